import { Migration } from '@mikro-orm/migrations';

export class Migration20261124072340 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "member_source" add column "disabled_by_sync" boolean not null default false;`);

    this.addSql(`alter table "sync_run" add column "request" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "member_source" drop column "disabled_by_sync";`);

    this.addSql(`alter table "sync_run" drop column "request";`);
  }
}
