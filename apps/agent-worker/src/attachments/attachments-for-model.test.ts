import { MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL, MAX_CONTEXT_ATTACHMENT_BYTES } from "@oa/protocol";
import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { type AttachmentFacts, type AttachmentSource, AttachmentsUnavailableError, attachmentsForModel } from "./attachments-for-model.ts";

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (c) =>
  c.charCodeAt(0),
);

function message(id: string, ...ids: string[]): UIMessage {
  return {
    id,
    role: "user",
    parts: [
      { type: "text", text: "see" },
      ...ids.map((ref) => ({ type: "file" as const, url: `attachment:${ref}`, mediaType: "x/placeholder" })),
    ],
  };
}

function source(files: Record<string, AttachmentFacts & { bytes: Uint8Array }>, read: string[] = []): AttachmentSource {
  return {
    facts: (id) => (files[id] ? { filename: files[id].filename, mediaType: files[id].mediaType, size: files[id].size } : null),
    bytes: async (id) => {
      read.push(id);
      return files[id]?.bytes ?? null;
    },
  };
}

describe("attachments for the model", () => {
  it("inlines the newest attachments within the context budget and describes older ones without reading them", async () => {
    const big = (name: string) => ({
      filename: name,
      mediaType: "image/png",
      size: Math.floor(MAX_CONTEXT_ATTACHMENT_BYTES / 2) + 1,
      bytes: PNG,
    });
    const read: string[] = [];
    const out = await attachmentsForModel(
      [message("m1", "old"), message("m2", "new")],
      source({ old: big("old.png"), new: big("new.png") }, read),
    );
    expect(out[0]!.parts[1]).toEqual({
      type: "text",
      text: "[file: old.png, image/png — not included: only the newest files fit the context]",
    });
    expect(out[1]!.parts[1]).toMatchObject({
      type: "file",
      mediaType: "image/png",
      filename: "new.png",
      url: expect.stringMatching(/^data:image\/png;base64,iVBOR/),
    });
    expect(read).toEqual(["new"]);
  });

  it("cuts a long text file and says so", async () => {
    const text = "x".repeat(MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL + 10);
    const out = await attachmentsForModel(
      [message("m1", "long")],
      source({ long: { filename: "long.txt", mediaType: "text/plain", size: text.length, bytes: new TextEncoder().encode(text) } }),
    );
    const part = out[0]!.parts[1] as { type: string; text: string };
    expect(part.type).toBe("text");
    expect(part.text.startsWith(`Attached file long.txt (text/plain, ${text.length} bytes):\n`)).toBe(true);
    expect(part.text).toContain(
      `[cut: the file has ${text.length} characters; only the first ${MAX_ATTACHMENT_TEXT_CHARS_FOR_MODEL} are shown]`,
    );
  });

  it("describes an attachment that is gone instead of failing", async () => {
    const out = await attachmentsForModel([message("m1", "att_gone")], source({}));
    expect(out[0]!.parts[1]).toEqual({ type: "text", text: "[file: unnamed, x/placeholder — no longer available]" });
  });

  it("fails with a clear error when R2 cannot be read", async () => {
    const failing: AttachmentSource = {
      facts: () => ({ filename: "a.txt", mediaType: "text/plain", size: 1 }),
      bytes: async () => {
        throw new Error("R2 down");
      },
    };
    await expect(attachmentsForModel([message("m1", "a")], failing)).rejects.toBeInstanceOf(AttachmentsUnavailableError);
  });

  it("leaves messages without attachments untouched", async () => {
    const plain = [message("m1")];
    expect(await attachmentsForModel(plain, source({}))).toBe(plain);
  });
});
