import type { DataMessagePartProps, ToolCallMessagePartProps } from "@assistant-ui/react";
import { type Approval, type ApprovalStatus, type Job, type JobProgressData, toolLabel } from "@oa/protocol";
import {
  Ban,
  Check,
  ChevronDown,
  CircleCheck,
  CircleX,
  Clock,
  Coins,
  Loader2,
  type LucideIcon,
  ShieldAlert,
  Undo2,
  Wrench,
  X,
} from "lucide-react";
import { Collapsible } from "radix-ui";
import { createContext, useContext, useEffect, useRef, useState } from "react";
import { cn } from "./lib/cn.ts";
import { ErrorLine } from "./ui/alert.tsx";
import { Badge, RiskBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { Progress } from "./ui/progress.tsx";

/** Server-side facts the chat stream does not carry: approval records and jobs, by id. */
export type ThreadExtras = { approvals: Map<string, Approval>; jobs: Map<string, Job> };
export const ThreadExtrasContext = createContext<ThreadExtras>({ approvals: new Map(), jobs: new Map() });

/** How much of raw arguments or a raw result the Details block shows before cutting it with "…". */
const RAW_PREVIEW_CHARS = 2000;

function short(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return text && text.length > RAW_PREVIEW_CHARS ? `${text.slice(0, RAW_PREVIEW_CHARS)}…` : (text ?? "");
}

/** The sentence a result carries for people (`message`, or an error's text), if any. */
function humanLine(result: unknown): string | null {
  if (typeof result === "string") return result;
  if (result && typeof result === "object") {
    const { message, error } = result as { message?: unknown; error?: unknown };
    if (typeof message === "string" && message.trim()) return message;
    if (typeof error === "string" && error.trim()) return error;
  }
  return null;
}

/** Raw arguments and result, for whoever wants them: never the first thing shown. */
function Details({ args, result }: { args: unknown; result: unknown }) {
  const hasArgs = args !== undefined && args !== null && Object.keys(args as object).length > 0;
  if (!hasArgs && result === undefined) return null;
  return (
    <Collapsible.Root className="group/details mt-1.5">
      <Collapsible.Trigger asChild>
        <Button variant="ghost" size="sm" className="-ms-2 h-7 gap-1 px-2 text-xs font-normal text-muted-foreground hover:text-foreground">
          Details
          <ChevronDown
            aria-hidden
            className="size-3.5 -rotate-90 transition-transform group-data-[state=open]/details:rotate-0 motion-reduce:transition-none"
          />
        </Button>
      </Collapsible.Trigger>
      <Collapsible.Content className="mt-1 flex flex-col gap-2">
        {hasArgs ? <RawBlock title="Arguments" value={args} /> : null}
        {result !== undefined ? <RawBlock title="Result" value={result} /> : null}
      </Collapsible.Content>
    </Collapsible.Root>
  );
}

function RawBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <p className="mb-1 text-xs font-medium text-muted-foreground">{title}</p>
      <pre
        tabIndex={0}
        className="max-h-72 overflow-auto rounded-lg border border-border bg-code p-2.5 font-mono text-xs leading-relaxed whitespace-pre-wrap wrap-anywhere"
      >
        {short(value)}
      </pre>
    </div>
  );
}

type ToolState = "running" | "failed" | "done" | "pending";
const TOOL_STATES: Record<ToolState, { Icon: LucideIcon; text: string; icon: string }> = {
  running: { Icon: Loader2, text: "Working…", icon: "animate-spin text-muted-foreground motion-reduce:animate-none" },
  done: { Icon: CircleCheck, text: "Done", icon: "text-success-text" },
  failed: { Icon: CircleX, text: "Failed", icon: "text-destructive-text" },
  pending: { Icon: Wrench, text: "", icon: "text-muted-foreground" },
};

/** Every tool call: what it did in words, and for a gated one the approval card. */
export function ToolCard(props: ToolCallMessagePartProps) {
  const { toolName, args, result, isError, approval, status } = props;
  const label = toolLabel(toolName);
  if (approval) return <ApprovalCard {...props} label={label} />;
  const line = result !== undefined ? humanLine(result) : null;
  const state: ToolState = status.type === "running" ? "running" : isError ? "failed" : result !== undefined ? "done" : "pending";
  const { Icon, text, icon } = TOOL_STATES[state];
  return (
    <div
      className={cn("my-3 rounded-xl border bg-card px-3.5 py-2.5 text-sm", state === "failed" ? "border-destructive/40" : "border-border")}
      data-testid="tool-card"
      data-status={state}
    >
      <p className="flex min-w-0 items-center gap-2">
        <Icon aria-hidden className={cn("size-4 shrink-0", icon)} />
        <span className="min-w-0 truncate font-medium">{label}</span>
        {text ? <span className="ms-auto shrink-0 text-xs text-muted-foreground">{text}</span> : null}
      </p>
      {line ? (
        <p className={cn("mt-1 ps-6 leading-6 wrap-anywhere", isError ? "text-destructive-text" : "text-foreground")}>{line}</p>
      ) : null}
      <div className="ps-6">
        <Details args={args} result={result} />
      </div>
    </div>
  );
}

/** What exactly is asked, name → value: a pending card must show it before anyone decides. */
function ArgsList({ args }: { args: unknown }) {
  const entries = args && typeof args === "object" ? Object.entries(args as Record<string, unknown>) : [];
  if (entries.length === 0) return null;
  return (
    <dl className="mt-3 grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-1.5 rounded-lg border border-border bg-muted/50 px-3 py-2.5 text-xs">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-muted-foreground">{name}</dt>
          <dd className="m-0 font-mono whitespace-pre-wrap wrap-anywhere text-foreground">
            {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The exact OpenClaw API request approving allows (the only one the agent may then send). */
function BoundRequestLine({ request }: { request: Approval["request"] }) {
  if (!request)
    return <p className="mt-2 text-xs text-muted-foreground">No exact request was recorded; this approval can no longer run.</p>;
  return (
    <p className="mt-2 text-xs text-muted-foreground wrap-anywhere" data-testid="bound-request">
      OpenClaw API request:{" "}
      <code className="rounded bg-muted px-1 py-0.5 font-mono text-foreground">{`${request.method} ${request.path}`}</code>
      {request.bodyHash ? <span> with the arguments above</span> : null}
    </p>
  );
}

type JobView = Pick<Job, "status" | "progress" | "message"> & { error?: string | null };

/**
 * The job a gated tool started: the thread's job list has its newest state; the tool's result
 * (`{ job }`) names it and says how it stood when the tool answered; before either, the
 * tool-call id is the job's key. A started job is never mistaken for a finished call.
 */
function jobOf(jobs: Map<string, Job>, toolCallId: string, result: unknown): JobView | null {
  const started = (result as { job?: Partial<JobProgressData> } | undefined)?.job;
  if (started && typeof started.id === "string") {
    const known = jobs.get(started.id);
    if (known) return known;
    if (typeof started.status === "string")
      return { status: started.status, progress: started.progress ?? 0, message: started.message ?? null };
  }
  for (const job of jobs.values()) if (job.idempotencyKey === toolCallId) return job;
  return null;
}

type CardStatus = ApprovalStatus;

/** What happened to an approved call: running (with its job's progress), done, or failed. */
function outcomeOf(
  job: JobView | null,
  result: unknown,
  isError: boolean | undefined,
): { text: string; state: "running" | "done" | "failed" } {
  if (job) {
    const percent = `${Math.round(job.progress * 100)}%`;
    if (job.status === "succeeded") return { text: `done${job.message ? ` — ${job.message}` : ""}`, state: "done" };
    if (job.status === "failed") return { text: `failed — ${job.error ?? job.message ?? "the job did not finish"}`, state: "failed" };
    if (job.status === "cancelled") return { text: "cancelled", state: "failed" };
    return { text: `running ${percent}${job.message ? ` — ${job.message}` : ""}`, state: "running" };
  }
  if (result === undefined && !isError) return { text: "running…", state: "running" };
  if (isError) return { text: `failed${humanLine(result) ? ` — ${humanLine(result)}` : ""}`, state: "failed" };
  return { text: `done${humanLine(result) ? ` — ${humanLine(result)}` : ""}`, state: "done" };
}

/** The decided card's status line: an icon and the sentence that says what happened. */
function decisionOf(
  status: Exclude<CardStatus, "pending">,
  outcome: ReturnType<typeof outcomeOf> | null,
  why: string | null,
): { Icon: LucideIcon; icon: string; text: string } {
  if (status === "approved") {
    const state = outcome!.state;
    return {
      Icon: state === "running" ? Loader2 : state === "failed" ? CircleX : CircleCheck,
      icon:
        state === "running"
          ? "animate-spin text-muted-foreground motion-reduce:animate-none"
          : state === "failed"
            ? "text-destructive-text"
            : "text-success-text",
      text: `Approved · ${outcome!.text}`,
    };
  }
  if (status === "rejected") return { Icon: CircleX, icon: "text-muted-foreground", text: `Rejected${why ? `: ${why}` : ""}` };
  if (status === "expired")
    return { Icon: Clock, icon: "text-muted-foreground", text: "Expired: nobody decided in time, so it did not run." };
  return { Icon: Undo2, icon: "text-muted-foreground", text: "Withdrawn: the request was replaced, so it did not run." };
}

function ApprovalCard(props: ToolCallMessagePartProps & { label: string }) {
  const { approval, label, result, isError, args, toolCallId } = props;
  const extras = useContext(ThreadExtrasContext);
  const record = extras.approvals.get(approval!.id);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The server's record wins once it is decided; while the fetched copy still says pending, the
  // decision this page already knows (from the stream or this click) is the truer one.
  const fromChat: CardStatus | null = approval!.approved === true ? "approved" : approval!.approved === false ? "rejected" : null;
  const status: CardStatus = record && record.status !== "pending" ? record.status : (fromChat ?? "pending");
  const decided = status !== "pending";
  const job = status === "approved" ? jobOf(extras.jobs, toolCallId, result) : null;
  const outcome = status === "approved" ? outcomeOf(job, result, isError) : null;
  const why = record?.reason || approval!.reason || null;
  const risk = record?.risk ?? "medium";

  // Once the card turns decided, a keyboard user whose focus was on it (the Approve button that
  // just went away leaves it on <body>) lands on what happened; focus elsewhere is left alone.
  const card = useRef<HTMLElement>(null);
  const decision = useRef<HTMLParagraphElement>(null);
  const wasDecided = useRef(decided);
  useEffect(() => {
    if (decided && !wasDecided.current) {
      const active = document.activeElement;
      if (!active || active === document.body || card.current?.contains(active)) decision.current?.focus();
    }
    wasDecided.current = decided;
  }, [decided]);

  const respond = async (approved: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await props.respondToApproval(
        approved ? { approved: true } : { approved: false, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      );
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Only a pending card asks for attention; a decided one is a neutral record of what happened.
  // (The class names are markers the browser tests read: `risk-*` pending, `decided status-*` after.)
  const marker = decided ? `decided status-${status}${outcome ? ` outcome-${outcome.state}` : ""}` : `risk-${risk}`;
  const border = decided
    ? outcome?.state === "failed"
      ? "border-destructive/40"
      : "border-border"
    : risk === "high"
      ? "border-destructive/60 ring-1 ring-destructive/20"
      : "border-warning/70 ring-1 ring-warning/20";
  const shown = decided ? decisionOf(status, outcome, why) : null;
  return (
    <section
      ref={card}
      className={cn("approval-card my-3 rounded-xl border bg-card p-4 text-sm shadow-xs", marker, border)}
      aria-label={`Approval: ${label}`}
      data-testid="approval-card"
      data-status={status}
      data-outcome={outcome?.state}
    >
      <header className="flex flex-wrap items-center gap-2">
        <span
          className={cn(
            "flex size-7 shrink-0 items-center justify-center rounded-lg",
            decided
              ? "bg-muted text-muted-foreground"
              : risk === "high"
                ? "bg-destructive/10 text-destructive-text"
                : "bg-warning/15 text-warning-text",
          )}
        >
          <ShieldAlert aria-hidden className="size-4" />
        </span>
        <p className="m-0 min-w-0 flex-1 font-semibold">{label}</p>
        {decided ? null : record ? <RiskBadge risk={record.risk} /> : <Badge tone="warning">needs approval</Badge>}
      </header>
      <p className={cn("mt-2 leading-6", decided ? "text-muted-foreground" : "text-base text-foreground")}>
        {record?.summary ?? `The agent wants to ${label.toLowerCase()}.`}
      </p>
      {!decided && record?.cost ? (
        <p className="mt-1.5 flex items-center gap-1.5 text-muted-foreground">
          <Coins aria-hidden className="size-4 shrink-0" />
          Cost: {record.cost}
        </p>
      ) : null}
      {!decided ? <ArgsList args={args} /> : null}
      {!decided && record ? <BoundRequestLine request={record.request} /> : null}
      {shown ? (
        <p
          ref={decision}
          tabIndex={-1}
          role="status"
          className="mt-3 flex items-start gap-2 rounded-md font-medium outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          <shown.Icon aria-hidden className={cn("mt-0.5 size-4 shrink-0", shown.icon)} />
          <span className="min-w-0 wrap-anywhere">{shown.text}</span>
        </p>
      ) : (
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <Button disabled={busy} onClick={() => respond(true)}>
            <Check aria-hidden />
            Approve
          </Button>
          <input
            aria-label="Reason (optional)"
            placeholder="Reason (optional)"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={2000}
            className="h-9 min-w-40 flex-1 rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:ring-2 focus-visible:ring-ring"
          />
          <Button
            variant="outline"
            disabled={busy}
            onClick={() => respond(false)}
            className="text-destructive-text hover:text-destructive-text"
          >
            <X aria-hidden />
            Reject
          </Button>
        </div>
      )}
      {job && outcome?.state === "running" ? (
        <Progress value={job.progress * 100} aria-label={`${label} progress`} className="mt-3" />
      ) : null}
      {/* A rejected or withdrawn call's "result" is the denial the model read: not shown as a failure. */}
      <Details args={args} result={status === "approved" ? result : undefined} />
      {error ? <ErrorLine className="mt-2">{error}</ErrorLine> : null}
    </section>
  );
}

const JOB_KINDS: Record<Job["kind"], string> = {
  provision: "Provisioning",
  restart: "Restart",
  backup: "Backup",
  watch_status: "Status watch",
};

const JOB_STATES: Record<Job["status"], { Icon: LucideIcon; icon: string; tone: "neutral" | "info" | "success" | "warning" | "danger" }> = {
  queued: { Icon: Clock, icon: "text-muted-foreground", tone: "neutral" },
  waiting: { Icon: Clock, icon: "text-muted-foreground", tone: "neutral" },
  running: { Icon: Loader2, icon: "animate-spin text-muted-foreground motion-reduce:animate-none", tone: "info" },
  succeeded: { Icon: CircleCheck, icon: "text-success-text", tone: "success" },
  failed: { Icon: CircleX, icon: "text-destructive-text", tone: "danger" },
  cancelled: { Icon: Ban, icon: "text-muted-foreground", tone: "neutral" },
};

export function JobProgress({ job }: { job: Pick<Job, "id" | "kind" | "status" | "progress" | "message"> }) {
  const percent = Math.round(job.progress * 100);
  const name = JOB_KINDS[job.kind] ?? job.kind;
  const { Icon, icon, tone } = JOB_STATES[job.status] ?? JOB_STATES.running;
  return (
    <div className="rounded-xl border border-border bg-card px-3.5 py-2.5 text-sm" data-testid="job-progress" data-status={job.status}>
      <div className="flex min-w-0 items-center gap-2">
        <Icon aria-hidden className={cn("size-4 shrink-0", icon)} />
        <span className="min-w-0 truncate font-medium">{name}</span>
        <Badge tone={tone}>{job.status}</Badge>
        <span className="ms-auto shrink-0 text-xs tabular-nums text-muted-foreground">{percent}%</span>
      </div>
      <Progress value={percent} aria-label={`${name} progress`} className="mt-2" />
      {job.message ? <p className="mt-1.5 text-xs text-muted-foreground wrap-anywhere">{job.message}</p> : null}
    </div>
  );
}

/** `data-job` parts of a chat response; the thread's job list has the newer state when known. */
export function JobPart(props: DataMessagePartProps<JobProgressData>) {
  const known = useContext(ThreadExtrasContext).jobs.get(props.data.id);
  return <JobProgress job={known ?? props.data} />;
}
