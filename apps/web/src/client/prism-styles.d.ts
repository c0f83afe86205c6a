// The light Prism build and its language modules are typed by @types/react-syntax-highlighter's
// ambient modules; this Prism theme (WCAG AA colours) ships without a type.
/// <reference types="react-syntax-highlighter" />
declare module "react-syntax-highlighter/dist/esm/styles/prism/a11y-one-light" {
  const style: Record<string, import("react").CSSProperties>;
  export default style;
}
