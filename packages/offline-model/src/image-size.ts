/** An image's pixel size and format, read from its header bytes (no decoding). */
export type ImageSize = { format: "PNG" | "GIF" | "JPEG" | "WebP"; width: number; height: number };

const be16 = (bytes: Uint8Array, at: number) => (bytes[at]! << 8) | bytes[at + 1]!;
const le16 = (bytes: Uint8Array, at: number) => bytes[at]! | (bytes[at + 1]! << 8);
const le24 = (bytes: Uint8Array, at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
const be32 = (bytes: Uint8Array, at: number) =>
  ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
const tag = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

function jpegSize(bytes: Uint8Array): ImageSize | null {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // Start of frame (not DHT C4, JPG C8, DAC CC): height then width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: "JPEG", height: be16(bytes, at + 5), width: be16(bytes, at + 7) };
    }
    at += 2 + be16(bytes, at + 2);
  }
  return null;
}

function webpSize(bytes: Uint8Array): ImageSize | null {
  if (bytes.length < 30) return null;
  const chunk = tag(bytes, 12, 4);
  if (chunk === "VP8 ") return { format: "WebP", width: le16(bytes, 26) & 0x3fff, height: le16(bytes, 28) & 0x3fff };
  if (chunk === "VP8L") {
    const [b0, b1, b2, b3] = [bytes[21]!, bytes[22]!, bytes[23]!, bytes[24]!];
    return { format: "WebP", width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
  }
  if (chunk === "VP8X") return { format: "WebP", width: 1 + le24(bytes, 24), height: 1 + le24(bytes, 27) };
  return null;
}

/** The size of a PNG, GIF, JPEG or WebP image from its bytes, or null when they are none of those. */
export function imageSize(bytes: Uint8Array): ImageSize | null {
  if (bytes.length >= 24 && bytes[0] === 0x89 && tag(bytes, 1, 3) === "PNG" && tag(bytes, 12, 4) === "IHDR") {
    return { format: "PNG", width: be32(bytes, 16), height: be32(bytes, 20) };
  }
  if (bytes.length >= 10 && (tag(bytes, 0, 6) === "GIF87a" || tag(bytes, 0, 6) === "GIF89a")) {
    return { format: "GIF", width: le16(bytes, 6), height: le16(bytes, 8) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  if (bytes.length >= 12 && tag(bytes, 0, 4) === "RIFF" && tag(bytes, 8, 4) === "WEBP") return webpSize(bytes);
  return null;
}
