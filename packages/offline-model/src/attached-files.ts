import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { imageSize } from "./image-size.ts";

type UserMessage = Extract<LanguageModelV4Prompt[number], { role: "user" }>;

/** What the agent puts before a text file's content (apps/agent-worker attachments-for-model.ts). */
const ATTACHED_TEXT = /^Attached file (.+) \(([^,()]+), (\d+) bytes\):\n([\s\S]*)$/;

/** One file of a user message as the offline model read it. */
export type ReadFile = { name: string; mediaType: string; bytes: number; reading: string };

function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Longest a quoted line of a text file is, in characters, "..." included. */
const MAX_QUOTED_LINE = 120;

const quote = (line: string) =>
  JSON.stringify(line.length > MAX_QUOTED_LINE ? `${line.slice(0, MAX_QUOTED_LINE - "...".length)}...` : line);

/** What the offline model says it read in a text file: its lines, the first one, and lines about errors. */
function describeText(name: string, text: string): string {
  const body = text.replace(/\n\[cut: the file has \d+ characters; only the first \d+ are shown\]$/, "");
  const lines = body.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const first = lines.find((line) => line.trim() !== "");
  const errors = lines.filter((line) => /error/i.test(line));
  const parts = [`${name} has ${lines.length} line${lines.length === 1 ? "" : "s"}`];
  if (first !== undefined) parts.push(`the first reads ${quote(first.trim())}`);
  if (errors.length > 0)
    parts.push(`${errors.length} mention${errors.length === 1 ? "s" : ""} an error, first ${quote(errors[0]!.trim())}`);
  return `${parts.join("; ")}.`;
}

function describeImage(name: string, bytes: Uint8Array): string {
  const size = imageSize(bytes);
  return size ? `${name} is a ${size.width}×${size.height} ${size.format} image.` : `${name} is an image I cannot measure.`;
}

/**
 * The files of a user message and what the offline model read in each: images by their pixel
 * size, text by its lines. Files arrive as file parts (inline data) or, for attachments the agent
 * read from storage, as a text part that starts with `Attached file <name> (<type>, <n> bytes):`.
 */
export function readAttachedFiles(message: LanguageModelV4Prompt[number] | undefined): ReadFile[] {
  if (message?.role !== "user") return [];
  return (message as UserMessage).content.flatMap((part): ReadFile[] => {
    if (part.type === "text") {
      const match = ATTACHED_TEXT.exec(part.text);
      if (!match) return [];
      return [{ name: match[1]!, mediaType: match[2]!, bytes: Number(match[3]), reading: describeText(match[1]!, match[4]!) }];
    }
    if (part.type !== "file") return [];
    const name = part.filename ?? "unnamed";
    const data = part.data;
    if (data.type !== "data")
      return [
        {
          name,
          mediaType: part.mediaType,
          bytes: 0,
          reading: `${name} is ${data.type === "url" ? "a link, which I do not open" : "not inline"}.`,
        },
      ];
    const bytes = typeof data.data === "string" ? fromBase64(data.data) : data.data;
    const reading = part.mediaType.startsWith("image/")
      ? describeImage(name, bytes)
      : part.mediaType.startsWith("text/") || part.mediaType === "application/json"
        ? describeText(name, new TextDecoder().decode(bytes))
        : `${name} is a ${part.mediaType} file I cannot read.`;
    return [{ name, mediaType: part.mediaType, bytes: bytes.byteLength, reading }];
  });
}

/** The offline model's answer to a message carrying files: what it received, then what it read. */
export function describeAttachedFiles(files: ReadFile[]): string {
  const received = files.map((file) => `${file.name} (${file.mediaType}, ${file.bytes} bytes)`).join(", ");
  return `Offline model: I received ${received}. ${files.map((file) => file.reading).join(" ")}`;
}
