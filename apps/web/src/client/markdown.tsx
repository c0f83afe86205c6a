/**
 * How message text renders: assistant-ui's markdown (GitHub-flavoured: tables, task lists) with its
 * example app's typography, code blocks highlighted with a language label and Copy.
 *
 * Safety: no raw HTML (react-markdown escapes it), links open in a new tab without referrer or
 * opener, and images are plain links — the model's and tools' text may carry
 * `![](https://elsewhere/?secret)`, and an <img> would fetch it on render (a beacon). Nothing is
 * loaded unless the person follows the link.
 */
import {
  type CodeHeaderProps,
  MarkdownTextPrimitive,
  unstable_memoizeMarkdownComponents as memoizeMarkdownComponents,
  type SyntaxHighlighterProps,
  useIsMarkdownCodeBlock,
} from "@assistant-ui/react-markdown";
import { Check, Copy } from "lucide-react";
import { type CSSProperties, memo, useEffect, useRef, useState } from "react";
import bash from "react-syntax-highlighter/dist/esm/languages/prism/bash";
import css from "react-syntax-highlighter/dist/esm/languages/prism/css";
import diff from "react-syntax-highlighter/dist/esm/languages/prism/diff";
import json from "react-syntax-highlighter/dist/esm/languages/prism/json";
import markup from "react-syntax-highlighter/dist/esm/languages/prism/markup";
import python from "react-syntax-highlighter/dist/esm/languages/prism/python";
import sql from "react-syntax-highlighter/dist/esm/languages/prism/sql";
import tsx from "react-syntax-highlighter/dist/esm/languages/prism/tsx";
import yaml from "react-syntax-highlighter/dist/esm/languages/prism/yaml";
import PrismLight from "react-syntax-highlighter/dist/esm/prism-light";
import a11yDark from "react-syntax-highlighter/dist/esm/styles/prism/a11y-dark";
import a11yOneLight from "react-syntax-highlighter/dist/esm/styles/prism/a11y-one-light";
import remarkGfm from "remark-gfm";
import { cn } from "./lib/cn.ts";
import { TooltipIconButton } from "./ui/tooltip-icon-button.tsx";

// A lean set of common languages (tsx brings typescript, jsx and javascript with their aliases).
for (const language of [tsx, json, bash, python, yaml, diff, sql, css, markup]) PrismLight.registerLanguage("", language);

type PrismStyle = Record<string, CSSProperties>;

/**
 * The a11y Prism themes (AA colours), on the app's code surface: the block's background is the
 * `bg-code` token, and comments are darkened where the light theme's grey falls under AA there.
 */
function onCodeSurface(style: PrismStyle, comment?: string): PrismStyle {
  // The <pre>'s own classes give its surface, font and spacing; the <code> inherits them.
  const fromPre = {
    background: undefined,
    fontFamily: undefined,
    fontSize: undefined,
    lineHeight: undefined,
    margin: undefined,
    padding: undefined,
    borderRadius: undefined,
    overflow: undefined,
  };
  const inherit = { background: undefined, fontFamily: "inherit", fontSize: "inherit", lineHeight: "inherit" };
  const next: PrismStyle = {
    ...style,
    'pre[class*="language-"]': { ...style['pre[class*="language-"]'], ...fromPre },
    'code[class*="language-"]': { ...style['code[class*="language-"]'], ...inherit },
  };
  if (comment) for (const token of ["comment", "prolog", "cdata"]) next[token] = { ...style[token], color: comment };
  return next;
}

const LIGHT = onCodeSurface(a11yOneLight as PrismStyle, "#4b5563");
const DARK = onCodeSurface(a11yDark as PrismStyle);

/**
 * @assistant-ui/react-syntax-highlighter's adapter (Pre and Code from the markdown, the code as
 * children) over the light Prism build with the languages above. That package's entry point
 * builds all its highlighters at load, which pulled highlight.js with every language and ~950
 * lazy language chunks into the build; the adapter is these few lines. Both themes are rendered
 * and CSS shows the current one (as assistant-ui's example does), so a theme switch needs no
 * re-highlighting.
 */
function SyntaxHighlighter({ components: { Pre, Code }, language, code }: SyntaxHighlighterProps) {
  return (
    <>
      <PrismLight PreTag={Pre} CodeTag={Code} style={LIGHT} language={language} className="dark:hidden">
        {code}
      </PrismLight>
      <PrismLight PreTag={Pre} CodeTag={Code} style={DARK} language={language} className="hidden dark:block">
        {code}
      </PrismLight>
    </>
  );
}

const COPIED_MS = 2000;

function CodeHeader({ language, code }: CodeHeaderProps) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = () => {
    if (!code || !navigator.clipboard) return;
    navigator.clipboard.writeText(code).then(
      () => {
        setCopied(true);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => setCopied(false), COPIED_MS);
      },
      () => {},
    );
  };
  return (
    <div className="mt-3 flex items-center justify-between gap-2 rounded-t-xl border border-b-0 border-border bg-muted px-3.5 py-1 text-xs">
      <span className="font-medium lowercase text-muted-foreground">{language || "text"}</span>
      <TooltipIconButton
        tooltip={copied ? "Copied" : "Copy code"}
        aria-label="Copy code"
        onClick={copy}
        className="-me-2 size-7 text-muted-foreground"
      >
        {copied ? <Check className="size-3.5" /> : <Copy className="size-3.5" />}
      </TooltipIconButton>
      <span className="sr-only" aria-live="polite">
        {copied ? "Code copied" : ""}
      </span>
    </div>
  );
}

const components = memoizeMarkdownComponents({
  h1: ({ className, ...props }) => (
    <h1 className={cn("mt-5 mb-2 scroll-m-20 text-xl font-semibold first:mt-0 last:mb-0", className)} {...props} />
  ),
  h2: ({ className, ...props }) => (
    <h2 className={cn("mt-5 mb-2 scroll-m-20 text-lg font-semibold first:mt-0 last:mb-0", className)} {...props} />
  ),
  h3: ({ className, ...props }) => (
    <h3 className={cn("mt-4 mb-1.5 scroll-m-20 text-base font-semibold first:mt-0 last:mb-0", className)} {...props} />
  ),
  h4: ({ className, ...props }) => <h4 className={cn("mt-3.5 mb-1 text-base font-medium first:mt-0 last:mb-0", className)} {...props} />,
  h5: ({ className, ...props }) => <h5 className={cn("mt-3 mb-1 text-sm font-semibold first:mt-0 last:mb-0", className)} {...props} />,
  h6: ({ className, ...props }) => <h6 className={cn("mt-3 mb-1 text-sm font-medium first:mt-0 last:mb-0", className)} {...props} />,
  p: ({ className, ...props }) => <p className={cn("my-3 leading-7 first:mt-0 last:mb-0", className)} {...props} />,
  a: ({ className, ...props }) => (
    <a
      className={cn("text-link underline underline-offset-2 hover:opacity-80", className)}
      {...props}
      target="_blank"
      rel="noopener noreferrer nofollow"
    />
  ),
  img: ({ src, alt }) => (
    <a
      href={typeof src === "string" ? src : undefined}
      className="text-link underline underline-offset-2"
      target="_blank"
      rel="noopener noreferrer nofollow"
      data-testid="image-link"
    >
      {alt || (typeof src === "string" ? src : "image")}
    </a>
  ),
  blockquote: ({ className, ...props }) => (
    <blockquote className={cn("my-3 border-s-2 border-border ps-4 text-muted-foreground", className)} {...props} />
  ),
  ul: ({ className, ...props }) => (
    <ul className={cn("my-3 ms-5 list-disc marker:text-muted-foreground [&>li]:mt-1", className)} {...props} />
  ),
  ol: ({ className, ...props }) => (
    <ol className={cn("my-3 ms-5 list-decimal marker:text-muted-foreground [&>li]:mt-1", className)} {...props} />
  ),
  li: ({ className, ...props }) => <li className={cn("leading-7", className)} {...props} />,
  hr: ({ className, ...props }) => <hr className={cn("my-4 border-border", className)} {...props} />,
  strong: ({ className, ...props }) => <strong className={cn("font-semibold", className)} {...props} />,
  table: ({ className, ...props }) => (
    // Focusable, so a keyboard user can scroll a table wider than a phone.
    <div className="my-3 overflow-x-auto" tabIndex={0}>
      <table className={cn("w-full border-separate border-spacing-0 text-sm", className)} {...props} />
    </div>
  ),
  th: ({ className, ...props }) => (
    <th
      className={cn(
        "border-y border-s border-border bg-muted px-3 py-1.5 text-start font-medium first:rounded-ss-lg last:rounded-se-lg last:border-e [[align=center]]:text-center [[align=right]]:text-right",
        className,
      )}
      {...props}
    />
  ),
  td: ({ className, ...props }) => (
    <td
      className={cn(
        "border-s border-b border-border px-3 py-1.5 text-start last:border-e [[align=center]]:text-center [[align=right]]:text-right",
        className,
      )}
      {...props}
    />
  ),
  tr: ({ className, ...props }) => (
    <tr className={cn("[&:last-child>td:first-child]:rounded-es-lg [&:last-child>td:last-child]:rounded-ee-lg", className)} {...props} />
  ),
  pre: ({ className, ...props }) => (
    <pre
      tabIndex={0}
      className={cn(
        "overflow-x-auto rounded-b-xl border border-t-0 border-border bg-code p-3.5 font-mono text-[13px] leading-relaxed",
        className,
      )}
      {...props}
    />
  ),
  code: function Code({ className, ...props }) {
    const block = useIsMarkdownCodeBlock();
    return (
      <code className={cn(!block && "rounded-md bg-muted px-1.5 py-0.5 font-mono text-[0.85em] wrap-anywhere", className)} {...props} />
    );
  },
  SyntaxHighlighter,
  CodeHeader,
});

function MarkdownTextImpl() {
  return <MarkdownTextPrimitive remarkPlugins={[remarkGfm]} className="min-w-0 wrap-break-word" components={components} />;
}

export const MarkdownText = memo(MarkdownTextImpl);
