import { Migration } from '@mikro-orm/migrations';

/** One group per VLAN at a location (partial: groups without a location or VLAN are free). */
export class Migration20261124050417 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "access_group_location_id_vlan_id_index";`);

    this.addSql(
      `create unique index "access_group_location_vlan_unique" on "access_group" ("location_id", "vlan_id") where "location_id" is not null and "vlan_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "access_group_location_vlan_unique";`);

    this.addSql(
      `create index "access_group_location_id_vlan_id_index" on "access_group" ("location_id", "vlan_id");`,
    );
  }
}
