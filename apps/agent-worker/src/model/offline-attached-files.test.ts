import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { createOfflineModel, imageSize } from "@oa/offline-model";
import { describe, expect, it } from "vitest";

// The offline model visibly uses the files it gets: the pixel size of an image (from its header
// bytes), and the lines of a text file, whether inline data or an attachment the agent read.

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
const PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const GIF_1x1 = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";
const WEBP_LOSSLESS_1x1 = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";

/** A PNG header of the given size (signature + IHDR): enough to be measured. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

/** A JPEG whose frame (SOF0) comes after an APP0 segment. */
function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

/** An extended WebP (VP8X) header of the given canvas size. */
function webpExtended(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(30);
  bytes.set(
    [..."RIFF"].map((c) => c.charCodeAt(0)),
    0,
  );
  bytes.set(
    [..."WEBPVP8X"].map((c) => c.charCodeAt(0)),
    8,
  );
  const w = width - 1;
  const h = height - 1;
  bytes.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 24);
  return bytes;
}

async function answer(prompt: LanguageModelV4Prompt): Promise<string> {
  const result = await createOfflineModel({ delayMs: 0 }).doGenerate({ prompt });
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

describe("offline model reading attached files", () => {
  it("measures PNG, GIF, JPEG and WebP images from their bytes", () => {
    expect(imageSize(bytesOf(PNG_1x1))).toEqual({ format: "PNG", width: 1, height: 1 });
    expect(imageSize(pngHeader(640, 480))).toEqual({ format: "PNG", width: 640, height: 480 });
    expect(imageSize(bytesOf(GIF_1x1))).toEqual({ format: "GIF", width: 1, height: 1 });
    expect(imageSize(jpegHeader(1024, 768))).toEqual({ format: "JPEG", width: 1024, height: 768 });
    expect(imageSize(bytesOf(WEBP_LOSSLESS_1x1))).toEqual({ format: "WebP", width: 1, height: 1 });
    expect(imageSize(webpExtended(3000, 2000))).toEqual({ format: "WebP", width: 3000, height: 2000 });
    expect(imageSize(new TextEncoder().encode("not an image at all"))).toBeNull();
  });

  it("answers an image with its pixel size", async () => {
    const text = await answer([
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "file", mediaType: "image/png", filename: "chart.png", data: { type: "data", data: pngHeader(640, 480) } },
        ],
      },
    ]);
    expect(text).toContain("I received chart.png (image/png, 33 bytes)");
    expect(text).toContain("chart.png is a 640×480 PNG image.");
  });

  it("answers an inline text file with its line count, first line and the lines about errors", async () => {
    const log = "boot ok\nloading config\nERROR: disk full\nretrying\nerror again\n";
    const text = await answer([
      { role: "user", content: [{ type: "file", mediaType: "text/plain", filename: "run.log", data: { type: "data", data: btoa(log) } }] },
    ]);
    expect(text).toContain("run.log has 5 lines");
    expect(text).toContain('the first reads "boot ok"');
    expect(text).toContain('2 mention an error, first "ERROR: disk full"');
  });

  it("answers an attachment the agent read as text (the `Attached file` part)", async () => {
    const text = await answer([
      {
        role: "user",
        content: [
          { type: "text", text: "check my config" },
          { type: "text", text: "Attached file app.yaml (application/x-yaml, 26 bytes):\nport: 8080\nhost: example\n" },
        ],
      },
    ]);
    expect(text).toContain("I received app.yaml (application/x-yaml, 26 bytes)");
    expect(text).toContain('app.yaml has 2 lines; the first reads "port: 8080".');
  });

  it("answers a message without files as before", async () => {
    expect(await answer([{ role: "user", content: [{ type: "text", text: "hello" }] }])).not.toContain("I received");
  });
});
