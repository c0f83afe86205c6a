export * from "./offline-model.ts";
export * from "./offline-intents.ts";
