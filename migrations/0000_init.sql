CREATE TABLE `changelog` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`prev` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `changelog_resource` ON `changelog` (`resource`,`id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `objects` (
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`uid` text NOT NULL,
	`rv` integer NOT NULL,
	`node_name` text,
	`controller_uid` text,
	`data` text NOT NULL,
	PRIMARY KEY(`resource`, `namespace`, `name`)
);
--> statement-breakpoint
CREATE INDEX `objects_node` ON `objects` (`resource`,`node_name`);--> statement-breakpoint
CREATE INDEX `objects_controller` ON `objects` (`resource`,`namespace`,`controller_uid`);--> statement-breakpoint
CREATE INDEX `objects_namespace` ON `objects` (`namespace`);--> statement-breakpoint
CREATE UNIQUE INDEX `objects_uid` ON `objects` (`uid`);--> statement-breakpoint
CREATE TABLE `owners` (
	`owner_uid` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`owner_uid`, `resource`, `namespace`, `name`)
);
--> statement-breakpoint
CREATE INDEX `owners_object` ON `owners` (`resource`,`namespace`,`name`);