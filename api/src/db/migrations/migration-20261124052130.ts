import { Migration } from '@mikro-orm/migrations';

export class Migration20261124052130 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "radius_session" add column "nas_ip_address" text null, add column "disconnect_requested_at" timestamptz null, add column "disconnect_result" text null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "radius_session" drop column "nas_ip_address", drop column "disconnect_requested_at", drop column "disconnect_result";`,
    );
  }
}
