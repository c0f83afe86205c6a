import {
  ATTACHMENT_URL_PREFIX,
  attachmentIdFromUrl,
  isImageAttachmentType,
  MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL,
  MAX_CONTEXT_ATTACHMENT_BYTES,
} from "@oa/protocol";
import type { UIMessage } from "ai";

/** An attachment's facts, from the thread's record. */
export type AttachmentFacts = { filename: string; mediaType: string; size: number };
export type AttachmentContent = AttachmentFacts & { bytes: Uint8Array };

/** The thread's attachments as a run reads them: facts from the record, bytes from R2 (throws when R2 fails). */
export type AttachmentSource = {
  facts: (id: string) => AttachmentFacts | null;
  bytes: (id: string) => Promise<Uint8Array | null>;
};

/** R2 could not be read while a run built its context: the run fails saying so, and can be regenerated. */
export class AttachmentsUnavailableError extends Error {
  constructor(cause: unknown) {
    super("The attached files could not be read from storage; nothing was lost — try again (regenerate) in a moment.", { cause });
    this.name = "AttachmentsUnavailableError";
  }
}

type FilePart = Extract<UIMessage["parts"][number], { type: "file" }>;

function describe(part: FilePart, why: string): { type: "text"; text: string } {
  return { type: "text", text: `[file: ${part.filename ?? "unnamed"}, ${part.mediaType} — ${why}]` };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let offset = 0; offset < bytes.byteLength; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

/** What the model sees of a text file: a header naming it, then its text (cut, saying so). */
function attachedTextForModel(content: AttachmentContent): string {
  const text = new TextDecoder().decode(content.bytes);
  const header = `Attached file ${content.filename} (${content.mediaType}, ${content.size} bytes):\n`;
  if (text.length <= MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL) return header + text;
  return `${header}${text.slice(0, MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL)}\n[cut: the file has ${text.length} characters; only the first ${MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL} are shown]`;
}

/**
 * The context's messages with every `attachment:` file part replaced by what the model may read
 * of it, from R2: an image as an inline base64 `data:` file part, a text file as a text part.
 * The newest attachments come first within MAX_CONTEXT_ATTACHMENT_BYTES; older ones, and ones
 * that are gone, are described. No URL ever reaches the model.
 */
export async function attachmentsForModel<M extends UIMessage>(messages: M[], source: AttachmentSource): Promise<M[]> {
  const wanted: Array<{ message: number; part: number; id: string | null }> = [];
  messages.forEach((message, messageIndex) => {
    message.parts.forEach((part, partIndex) => {
      if (part.type === "file" && part.url.startsWith(ATTACHMENT_URL_PREFIX))
        wanted.push({ message: messageIndex, part: partIndex, id: attachmentIdFromUrl(part.url) });
    });
  });
  if (wanted.length === 0) return messages;
  const replaced = new Map<string, UIMessage["parts"][number]>();
  let budget = MAX_CONTEXT_ATTACHMENT_BYTES;
  for (const entry of wanted.reverse()) {
    const key = `${entry.message}/${entry.part}`;
    const part = messages[entry.message]!.parts[entry.part] as FilePart;
    const facts = entry.id ? source.facts(entry.id) : null;
    if (!facts) {
      replaced.set(key, describe(part, "no longer available"));
      continue;
    }
    const image = isImageAttachmentType(facts.mediaType);
    // A file costs what is read of it from R2 (a text file whole, though the model sees its start),
    // so the budget bounds a run's reads as well as what the model gets.
    const cost = facts.size;
    if (cost > budget) {
      replaced.set(
        key,
        describe({ ...part, filename: facts.filename, mediaType: facts.mediaType }, "not included: only the newest files fit the context"),
      );
      continue;
    }
    let bytes: Uint8Array | null;
    try {
      bytes = await source.bytes(entry.id!);
    } catch (error) {
      throw new AttachmentsUnavailableError(error);
    }
    if (!bytes) {
      replaced.set(key, describe(part, "no longer available"));
      continue;
    }
    const content: AttachmentContent = { ...facts, bytes };
    budget -= cost;
    replaced.set(
      key,
      image
        ? {
            type: "file",
            mediaType: content.mediaType,
            filename: content.filename,
            url: `data:${content.mediaType};base64,${toBase64(content.bytes)}`,
          }
        : { type: "text", text: attachedTextForModel(content) },
    );
  }
  return messages.map((message, messageIndex) => {
    if (!message.parts.some((_part, partIndex) => replaced.has(`${messageIndex}/${partIndex}`))) return message;
    return { ...message, parts: message.parts.map((part, partIndex) => replaced.get(`${messageIndex}/${partIndex}`) ?? part) };
  });
}
