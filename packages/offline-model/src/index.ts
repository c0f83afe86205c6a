export * from "./offline-model.ts";
export * from "./offline-intents.ts";
export * from "./offline-title.ts";
export * from "./tool-result-phrasing.ts";
export { humanTime, plainText } from "./phrasing-text.ts";
export { type ToolPhrasing, toolPhrasings } from "./tool-phrasings.ts";
export * from "./job-note-phrasing.ts";
export * from "./attached-files.ts";
export * from "./image-size.ts";
