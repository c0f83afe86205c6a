import { type ExportFormat, THREAD_EXPORT_FORMAT, THREAD_EXPORT_VERSION } from "@oa/protocol";
import { attachmentDisposition, exportSlug, textStream } from "../http/text-stream.ts";
import { type ApprovalStore, toApiApproval } from "../storage/approval-store.ts";
import { type JobStore, toApiJob } from "../storage/job-store.ts";
import type { PageAfter } from "../storage/keyset-page.ts";
import { type ReceiptStore, toApiReceipt } from "../storage/receipt-store.ts";
import type { StoredMessage, ThreadMeta, ThreadStore } from "../storage/thread-store.ts";
import { markdownHeader, messageMarkdown } from "./markdown-export.ts";

export type ExportDeps = {
  meta: ThreadMeta;
  store: ThreadStore;
  approvals: ApprovalStore;
  receipts: ReceiptStore;
  jobs: JobStore;
  now: number;
};

/** Rows read per step of an export. */
const PAGE = 200;

const iso = (ms: number) => new Date(ms).toISOString();

/** The active path's message ids, oldest first (ids only: the messages are read a page at a time). */
function activePathIds(store: ThreadStore): string[] {
  return store
    .pathFrom(null, Number.MAX_SAFE_INTEGER)
    .map((step) => step.id)
    .reverse();
}

function* activePathMarkdown({ meta, store, approvals, receipts, now }: ExportDeps): Generator<string> {
  yield markdownHeader(meta.title, now);
  const ids = activePathIds(store);
  const facts = { approval: (id: string) => approvals.byToolCall(id), receipt: (id: string) => receipts.get(id) };
  for (let start = 0; start < ids.length; start += PAGE) {
    for (const message of store.byIds(ids.slice(start, start + PAGE))) yield messageMarkdown(message, facts);
  }
}

function exportedMessage(message: StoredMessage, onActivePath: boolean) {
  return {
    id: message.id,
    role: message.role,
    parentId: message.parentId,
    onActivePath,
    createdAt: iso(message.createdAt),
    parts: message.parts,
    metadata: message.metadata ?? null,
  };
}

/** Rows of a newest-first keyset list, page after page, as JSON array items. */
function* keysetItems<T>(page: (after: PageAfter | null) => { rows: T[]; next: PageAfter | null }): Generator<string> {
  let after: PageAfter | null = null;
  let first = true;
  do {
    const { rows, next } = page(after);
    for (const row of rows) {
      yield `${first ? "" : ","}${JSON.stringify(row)}`;
      first = false;
    }
    after = next;
  } while (after);
}

function* threadJson({ meta, store, approvals, receipts, jobs, now }: ExportDeps): Generator<string> {
  const head = {
    format: THREAD_EXPORT_FORMAT,
    version: THREAD_EXPORT_VERSION,
    exportedAt: iso(now),
    thread: { id: meta.threadId, kind: meta.kind, title: meta.title, createdAt: iso(meta.createdAt), updatedAt: iso(meta.updatedAt) },
    leafId: store.leafId(),
  };
  yield `${JSON.stringify(head).slice(0, -1)},"messages":[`;
  const onPath = new Set(activePathIds(store));
  // Storage order, every branch; rows written while the export runs are left out.
  const through = store.pageMessages(undefined, 1)[0]?.position ?? 0;
  let position = 0;
  let first = true;
  for (;;) {
    const page = store.allMessagesPage(position, PAGE).filter((message) => message.position <= through);
    for (const message of page) {
      yield `${first ? "" : ","}${JSON.stringify(exportedMessage(message, onPath.has(message.id)))}`;
      first = false;
    }
    if (page.length < PAGE) break;
    position = page.at(-1)!.position;
  }
  yield `],"approvals":[`;
  yield* keysetItems((after) => {
    const { approvals: rows, next } = approvals.page(undefined, PAGE, after);
    return { rows: rows.map((record) => toApiApproval(record, meta.threadId)), next };
  });
  yield `],"receipts":[`;
  yield* keysetItems((after) => {
    const { receipts: rows, next } = receipts.page(PAGE, after);
    return { rows: rows.map(toApiReceipt), next };
  });
  yield `],"jobs":[`;
  yield* keysetItems((after) => {
    const { jobs: rows, next } = jobs.page(PAGE, after);
    return { rows: rows.map(toApiJob), next };
  });
  yield "]}";
}

/** The thread as a download: Markdown (the active path, readable) or JSON (everything, the audit trail). */
export function exportResponse(format: ExportFormat, deps: ExportDeps): Response {
  const slug = exportSlug(deps.meta.title, deps.meta.threadId);
  const markdown = format === "markdown";
  return new Response(textStream(markdown ? activePathMarkdown(deps) : threadJson(deps)), {
    headers: {
      "content-type": markdown ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": attachmentDisposition(`${slug}.${markdown ? "md" : "json"}`),
      "cache-control": "no-store",
    },
  });
}
