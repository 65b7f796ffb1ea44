CREATE TABLE `allocations` (
	`range` text NOT NULL,
	`value` text NOT NULL,
	`resource` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`range`, `value`)
);
--> statement-breakpoint
CREATE INDEX `allocations_holder` ON `allocations` (`resource`,`namespace`,`name`);