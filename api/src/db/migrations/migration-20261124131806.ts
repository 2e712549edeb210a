import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes on foreign keys that queries filter on: devices, sign-in links and sources by member
 * (portal device list and limit, member delete, sync), grants by location (location delete, time zone change).
 */
export class Migration20261124131806 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "magic_link_member_id_index" on "magic_link" ("member_id");`);

    this.addSql(`create index "device_member_id_index" on "device" ("member_id");`);

    this.addSql(`create index "access_grant_location_id_index" on "access_grant" ("location_id");`);

    this.addSql(`create index "member_source_member_id_index" on "member_source" ("member_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "access_grant_location_id_index";`);

    this.addSql(`drop index "device_member_id_index";`);

    this.addSql(`drop index "magic_link_member_id_index";`);

    this.addSql(`drop index "member_source_member_id_index";`);
  }
}
