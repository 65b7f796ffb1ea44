CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`username` text NOT NULL,
	`groups` text NOT NULL,
	`verb` text NOT NULL,
	`api_group` text NOT NULL,
	`resource` text NOT NULL,
	`subresource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`code` integer NOT NULL,
	`source_ip` text NOT NULL,
	`user_agent` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_time` ON `audit_events` (`time`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`secret_hash` text NOT NULL,
	`username` text NOT NULL,
	`groups` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer
);
