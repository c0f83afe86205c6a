// The package's public surface: what the agent worker, the website and the benchmarks use.

export { type ImageSize, imageSize } from "./image-size.ts";
export { describeJobNote } from "./job-note-phrasing.ts";
export {
  OFFLINE_NOTICE,
  type OfflineIntent,
  type OfflinePace,
  type OfflineReplyContext,
  offlineIntents,
  truncate,
} from "./offline-intents.ts";
export { createOfflineModel, type OfflineModelOptions } from "./offline-model.ts";
export { offlineTitle } from "./offline-title.ts";
export { toolPhrasings } from "./tool-phrasings.ts";
