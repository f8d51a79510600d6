// Photos are shrunk on the phone before upload: a 12-megapixel camera JPEG of 4-6 MB becomes
// about 0.3 MB, which uploads from a basement and leaves room in the offline outbox.
// Re-encoding through a canvas also drops EXIF metadata such as the GPS position.

const MAX_EDGE = 1600; // pixels on the longer side; enough to read a meter or a label
const QUALITY = 0.82; // JPEG quality

async function decode(file) {
  if ("createImageBitmap" in window) {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // Falls through to <img>, which decodes some formats that createImageBitmap rejects.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function shrinkPhoto(file) {
  const image = await decode(file);
  const width = image.width || image.naturalWidth;
  const height = image.height || image.naturalHeight;
  const scale = Math.min(1, MAX_EDGE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  if (image.close) image.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  if (!blob) throw new Error("the canvas produced no JPEG");
  const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
  return { blob, name };
}
