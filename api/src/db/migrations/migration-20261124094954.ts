import { Migration } from '@mikro-orm/migrations';

/**
 * member.access_began_at: when a member first had WiFi access (their credentials email goes then).
 * Existing members who may already have had access are marked, so the upgrade mails nobody twice:
 * anyone with a WiFi grant that has started, anyone already mailed their credentials, and anyone
 * older than the outbox's 30 days (whether they were mailed can no longer be told). Members added
 * since who never had access yet (a contract starting later, booking-only) stay unmarked and get
 * their email when their access begins.
 */
export class Migration20261124094954 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "member" add column "access_began_at" timestamptz null;`);
    this.addSql(
      `update "member" m set "access_began_at" = coalesce(
         (select min(g."effective_starts_at") from "access_grant" g
           where g."member_id" = m."id" and g."grants_wifi" and g."effective_starts_at" <= now()),
         (select min(o."created_at") from "outbox_message" o
           where o."member_id" = m."id" and o."template_key" = 'member-credentials'),
         m."created_at")
       where exists (select 1 from "access_grant" g
                      where g."member_id" = m."id" and g."grants_wifi" and g."effective_starts_at" <= now())
          or exists (select 1 from "outbox_message" o
                      where o."member_id" = m."id" and o."template_key" = 'member-credentials')
          or m."created_at" < now() - interval '30 days';`,
    );
    this.addSql(
      `create index "member_access_not_begun_idx" on "member" ("id") where "access_began_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "member_access_not_begun_idx";`);
    this.addSql(`alter table "member" drop column "access_began_at";`);
  }
}
