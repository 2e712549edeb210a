import { Migration } from '@mikro-orm/migrations';

export class Migration20261124072958 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "member_session" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "member_id" uuid not null, "location_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "last_seen_at" timestamptz null, "ip" text null, "user_agent" text null, constraint "member_session_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "member_session_member_id_index" on "member_session" ("member_id");`);
    this.addSql(
      `alter table "member_session" add constraint "member_session_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "member_session_expires_at_index" on "member_session" ("expires_at");`);

    this.addSql(
      `alter table "member_session" add constraint "member_session_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "member_session" add constraint "member_session_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "member_session" cascade;`);
  }
}
