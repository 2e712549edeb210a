import { Migration } from '@mikro-orm/migrations';

export class Migration20261124073519 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "webhook_delivery" add column "sync_run_id" uuid null;`);
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_sync_run_id_foreign" foreign key ("sync_run_id") references "sync_run" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_sync_run_id_foreign";`);

    this.addSql(`alter table "webhook_delivery" drop column "sync_run_id";`);
  }
}
