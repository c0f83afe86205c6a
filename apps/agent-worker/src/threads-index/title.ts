import { offlineTitle } from "@oa/offline-model";
import { generateText, type LanguageModel } from "ai";
import type { ProviderKind } from "../config.ts";

/**
 * The offline title: a short summary of the person's first message (the fixed title of its
 * intent, or its first words without filler), written without any model call.
 */
export function heuristicTitle(firstUserText: string): string {
  return offlineTitle(firstUserText);
}

/** A short title after the first exchange: written by the model when it is a real one. */
export async function writeTitle(
  provider: ProviderKind,
  model: LanguageModel,
  firstUserText: string,
  firstAnswer: string,
): Promise<string> {
  if (provider === "offline") return heuristicTitle(firstUserText);
  try {
    const { text } = await generateText({
      model,
      system: "Write a 2–6 word title for this chat. Answer with the title only, no quotes, no trailing punctuation.",
      prompt: `User: ${firstUserText.slice(0, 2000)}\nAssistant: ${firstAnswer.slice(0, 2000)}`,
      maxRetries: 1,
    });
    const title = text.replace(/^["'\s]+|["'\s.]+$/g, "").slice(0, 80);
    return title || heuristicTitle(firstUserText);
  } catch {
    return heuristicTitle(firstUserText);
  }
}
