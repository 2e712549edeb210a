import { Migration } from '@mikro-orm/migrations';

export class Migration20261124094721 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "auth_event" add column "repeat_count" int not null default 1, add column "last_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "auth_event" drop column "repeat_count", drop column "last_at";`);
  }
}
