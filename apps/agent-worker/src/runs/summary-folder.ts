import type { LanguageModel } from "ai";
import type { AgentConfig } from "../config.ts";
import { foldIntoSummary } from "../model/summarize.ts";
import type { ThreadStore } from "../storage/thread-store.ts";
import { pendingSummaryFold } from "./context.ts";

export type SummaryFolderDeps = { store: ThreadStore; config: AgentConfig; model: () => LanguageModel };

/** Folds messages that left the context window into the thread's running summary, a batch at a time. */
export class SummaryFolder {
  /** One summary update at a time, so two turns never fold the same messages twice. */
  private summarizing = false;

  constructor(private readonly deps: SummaryFolderDeps) {}

  async update(): Promise<void> {
    if (this.summarizing) return;
    this.summarizing = true;
    try {
      await this.foldPending();
    } finally {
      this.summarizing = false;
    }
  }

  private async foldPending(): Promise<void> {
    const { store, config } = this.deps;
    if (!store.meta()) return;
    const fold = pendingSummaryFold(store, config);
    if (!fold || fold.batch.length === 0) return;
    const batch = store.byIds(fold.batch.map((step) => step.id));
    const summary = await foldIntoSummary(config.provider, this.deps.model(), fold.previous?.summary ?? "", batch);
    const through = batch[batch.length - 1]!;
    store.setSummary(summary, through.id, through.position, Date.now());
  }
}
