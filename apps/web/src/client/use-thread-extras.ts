import type { Approval, Job } from "@oa/protocol";
import { useCallback, useRef, useState } from "react";
import { api } from "./api.ts";
import type { ThreadExtras } from "./parts.tsx";

/** The thread's approval records and jobs (what the chat stream does not carry), read on demand. */
export function useThreadExtras(threadId: string) {
  const [extras, setExtras] = useState<ThreadExtras>({ approvals: new Map(), jobs: new Map() });

  /** Reads approvals and jobs again; an older read that answers after a newer one is dropped. */
  const extrasReads = useRef(0);
  const refreshExtras = useCallback(async () => {
    const read = ++extrasReads.current;
    const [approvals, jobs] = await Promise.all([
      api.approvals(threadId).catch(() => ({ approvals: [] as Approval[] })),
      api.jobs(threadId).catch(() => ({ jobs: [] as Job[] })),
    ]);
    if (read !== extrasReads.current) return;
    setExtras({ approvals: new Map(approvals.approvals.map((a) => [a.id, a])), jobs: new Map(jobs.jobs.map((j) => [j.id, j])) });
  }, [threadId]);

  return { extras, setExtras, refreshExtras };
}
