import { Migration } from '@mikro-orm/migrations';

/**
 * Outbox bodies move from plain text to an encrypted column. SQL cannot encrypt, so the plain
 * bodies are dropped: mail still waiting to be sent is marked FAILED (send it again from the app).
 */
export class Migration20261124083850 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update "outbox_message" set "status" = 'FAILED', "last_error" = 'body dropped by the upgrade to encrypted bodies: send it again' where "status" = 'PENDING';`,
    );
    this.addSql(`alter table "outbox_message" drop column "html", drop column "text";`);
    this.addSql(`alter table "outbox_message" add column "body_enc" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox_message" drop column "body_enc";`);
    this.addSql(
      `alter table "outbox_message" add column "html" text not null default '', add column "text" text not null default '';`,
    );
    this.addSql(
      `alter table "outbox_message" alter column "html" drop default, alter column "text" drop default;`,
    );
  }
}
