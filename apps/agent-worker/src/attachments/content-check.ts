import { isImageAttachmentType } from "@oa/protocol";

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) => signature.every((byte, index) => bytes[at + index] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** Each image type's magic bytes: what the file must begin with to be what it says. */
const imageSignatures: Record<string, (bytes: Uint8Array) => boolean> = {
  "image/png": (bytes) => startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "image/jpeg": (bytes) => startsWith(bytes, [0xff, 0xd8, 0xff]),
  "image/gif": (bytes) => startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a")),
  "image/webp": (bytes) => startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8),
};

/**
 * Why the bytes are not what their declared type says, or null when they are: an image must
 * begin with its format's magic bytes; a text file must be valid UTF-8 without NUL characters.
 */
export function attachmentContentProblem(mediaType: string, bytes: Uint8Array): string | null {
  if (bytes.byteLength === 0) return "The file is empty.";
  if (isImageAttachmentType(mediaType)) {
    return imageSignatures[mediaType]?.(bytes) ? null : `The file is not a ${mediaType} image.`;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return `A ${mediaType} file must be UTF-8 text.`;
  }
  return text.includes("\u0000") ? `A ${mediaType} file must be text, without NUL characters.` : null;
}
