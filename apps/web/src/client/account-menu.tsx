import { LogOut, MonitorSmartphone } from "lucide-react";
import type { Me } from "./api.ts";
import { Button } from "./ui/button.tsx";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "./ui/dropdown-menu.tsx";

export function AccountMenu({
  user,
  onSignOut,
  onSignOutEverywhere,
}: {
  user: Me;
  onSignOut: () => void;
  onSignOutEverywhere: () => void;
}) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="h-10 min-w-0 flex-1 justify-start gap-2 px-2">
          {/* The initial is drawn by CSS, so the button's name is its words: "Account: <name>". */}
          <span
            aria-hidden
            data-initial={user.name.trim().charAt(0) || "?"}
            className="flex size-7 shrink-0 items-center justify-center rounded-full bg-primary text-xs font-semibold text-primary-foreground uppercase before:content-[attr(data-initial)]"
          />
          <span className="sr-only">Account: </span>
          <span className="truncate">{user.name}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent side="top" align="start" className="w-60">
        <DropdownMenuLabel className="truncate" title={user.id}>
          Signed in as {user.name}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={onSignOut}>
          <LogOut aria-hidden />
          Sign out
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={onSignOutEverywhere} title="Ends your sessions on every device and browser">
          <MonitorSmartphone aria-hidden />
          Sign out everywhere
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
