import type { Risk } from "@oa/protocol";
import { cva, type VariantProps } from "class-variance-authority";
import { ShieldAlert, ShieldCheck, ShieldQuestion } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "../lib/cn.ts";

/** shadcn/ui's badge with the app's status tones; text colours pass AA in both themes. */
export const badgeVariants = cva(
  "inline-flex shrink-0 items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap [&_svg]:size-3",
  {
    variants: {
      tone: {
        neutral: "border-border bg-muted text-muted-foreground",
        info: "border-primary/30 bg-primary/10 text-link",
        success: "border-success/40 bg-success/10 text-success-text",
        warning: "border-warning/50 bg-warning/15 text-warning-text",
        danger: "border-destructive/40 bg-destructive/10 text-destructive-text",
      },
    },
    defaultVariants: { tone: "neutral" },
  },
);

export function Badge({ className, tone, ...props }: ComponentProps<"span"> & VariantProps<typeof badgeVariants>) {
  return <span data-slot="badge" className={cn(badgeVariants({ tone }), className)} {...props} />;
}

const RISK = {
  low: { tone: "success", Icon: ShieldCheck },
  medium: { tone: "warning", Icon: ShieldQuestion },
  high: { tone: "danger", Icon: ShieldAlert },
} as const;

/** "low risk" / "medium risk" / "high risk", coloured and with an icon, so it reads at a glance. */
export function RiskBadge({ risk, className }: { risk: Risk; className?: string }) {
  const { tone, Icon } = RISK[risk] ?? RISK.medium;
  return (
    <Badge tone={tone} className={className} data-risk={risk}>
      <Icon aria-hidden />
      {risk} risk
    </Badge>
  );
}
