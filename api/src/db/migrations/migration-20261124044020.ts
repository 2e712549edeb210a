import { Migration } from '@mikro-orm/migrations';

export class Migration20261124044020 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "admin_user" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" text not null, "email_normalized" text not null, "password_hash" text not null, "role" text check ("role" in ('OWNER', 'ADMIN', 'LOCATION_MANAGER', 'VIEWER')) not null, "last_login_at" timestamptz null, "disabled_at" timestamptz null, constraint "admin_user_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "admin_user" add constraint "admin_user_email_normalized_unique" unique ("email_normalized");`,
    );

    this.addSql(
      `create table "admin_session" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "admin_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "last_used_at" timestamptz null, "ip" text null, "user_agent" text null, constraint "admin_session_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "admin_session" add constraint "admin_session_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "admin_session_expires_at_index" on "admin_session" ("expires_at");`);

    this.addSql(
      `create table "api_key" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "prefix" text not null, "key_hash" text not null, "scopes" text[] not null default '{}', "created_by_id" uuid not null, "last_used_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(
      `create table "audit_event" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "actor_type" text check ("actor_type" in ('ADMIN', 'API_KEY', 'MEMBER', 'SYSTEM')) not null, "actor_id" text null, "actor_label" text not null, "action" text not null, "target_type" text null, "target_id" text null, "details" jsonb not null default '{}', "ip" text null, constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "audit_event_target_type_target_id_index" on "audit_event" ("target_type", "target_id");`,
    );
    this.addSql(`create index "audit_event_created_at_index" on "audit_event" ("created_at");`);

    this.addSql(
      `create table "email_template" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "key" text not null, "subject" text not null, "html" text not null, "text" text not null, constraint "email_template_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "email_template" add constraint "email_template_key_unique" unique ("key");`);

    this.addSql(
      `create table "integration" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "kind" text check ("kind" in ('NEXUDUS', 'ANDCARDS')) not null, "name" text not null, "base_url" text not null, "credentials_enc" text null, "token_expires_at" timestamptz null, "settings" jsonb not null default '{}', "webhook_secret_enc" text null, "webhook_token" text not null, "sync_cursor" jsonb null, "health" text check ("health" in ('NEVER_SYNCED', 'CONNECTED', 'NEEDS_RECONNECT', 'ERROR')) not null default 'NEVER_SYNCED', "last_error" text null, "last_sync_at" timestamptz null, "enabled" boolean not null default true, constraint "integration_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "integration" add constraint "integration_webhook_token_unique" unique ("webhook_token");`,
    );

    this.addSql(
      `create table "location" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "slug" text not null, "timezone" text not null, "ssids" text[] not null default '{}', "default_vlan_id" int null, "vlan_pool_start" int null, "vlan_pool_end" int null, "branding" jsonb not null default '{}', constraint "location_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "location" add constraint "location_slug_unique" unique ("slug");`);

    this.addSql(
      `create table "access_group" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" text not null, "origin" text check ("origin" in ('TEAM', 'COMPANY', 'PLAN', 'MANUAL')) not null default 'MANUAL', "location_id" uuid null, "integration_id" uuid null, "external_id" text null, "vlan_id" int null, "vlan_auto_allocated" boolean not null default false, "bandwidth_up_kbps" int null, "bandwidth_down_kbps" int null, "session_timeout_seconds" int null, "max_devices" int null, constraint "access_group_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "access_group_location_id_vlan_id_index" on "access_group" ("location_id", "vlan_id");`,
    );
    this.addSql(
      `alter table "access_group" add constraint "access_group_integration_id_external_id_unique" unique ("integration_id", "external_id");`,
    );

    this.addSql(
      `create table "admin_user_locations" ("admin_user_id" uuid not null, "location_id" uuid not null, constraint "admin_user_locations_pkey" primary key ("admin_user_id", "location_id"));`,
    );

    this.addSql(
      `create table "location_mapping" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "integration_id" uuid not null, "external_id" text not null, "external_name" text null, "location_id" uuid not null, constraint "location_mapping_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "location_mapping" add constraint "location_mapping_integration_id_external_id_unique" unique ("integration_id", "external_id");`,
    );

    this.addSql(
      `create table "member" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" text not null, "email_normalized" text not null, "full_name" text not null, "company" text null, "status" text check ("status" in ('ACTIVE', 'DISABLED', 'DELETED')) not null default 'ACTIVE', "username" text not null, "roaming" boolean not null default false, "passphrase_enc" text null, "passphrase_fingerprint" text null, "passphrase_version" int not null default 0, "passphrase_updated_at" timestamptz null, "nt_hash_enc" text null, "deleted_at" timestamptz null, constraint "member_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "member" add constraint "member_email_normalized_unique" unique ("email_normalized");`,
    );
    this.addSql(`alter table "member" add constraint "member_username_unique" unique ("username");`);
    this.addSql(
      `alter table "member" add constraint "member_passphrase_fingerprint_unique" unique ("passphrase_fingerprint");`,
    );
    this.addSql(`create index "member_status_index" on "member" ("status");`);

    this.addSql(
      `create table "magic_link" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "member_id" uuid not null, "location_id" uuid null, "token_hash" text not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "requested_ip" text null, constraint "magic_link_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "magic_link" add constraint "magic_link_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "device" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "member_id" uuid not null, "mac" text not null, "name" text null, "learned_by" text check ("learned_by" in ('PORTAL', 'ADMIN', 'PPSK_MATCH', 'UPSTREAM_CHECK_IN')) not null, "first_seen_at" timestamptz not null default now(), "last_seen_at" timestamptz null, constraint "device_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "device" add constraint "device_mac_unique" unique ("mac");`);

    this.addSql(
      `create table "access_grant" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "member_id" uuid not null, "kind" text check ("kind" in ('MEMBERSHIP', 'DESK_BOOKING', 'ROOM_BOOKING', 'CHECK_IN', 'MANUAL', 'VISITOR')) not null, "location_id" uuid null, "starts_at" timestamptz not null, "ends_at" timestamptz null, "cancelled_at" timestamptz null, "effective_starts_at" timestamptz not null, "effective_ends_at" timestamptz null, "grants_wifi" boolean not null default true, "integration_id" uuid null, "source_ref" text null, "note" text null, constraint "access_grant_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "access_grant_member_id_effective_ends_at_index" on "access_grant" ("member_id", "effective_ends_at");`,
    );
    this.addSql(
      `alter table "access_grant" add constraint "access_grant_integration_id_source_ref_unique" unique ("integration_id", "source_ref");`,
    );

    this.addSql(
      `create table "member_groups" ("member_id" uuid not null, "group_id" uuid not null, constraint "member_groups_pkey" primary key ("member_id", "group_id"));`,
    );

    this.addSql(
      `create table "member_home_locations" ("member_id" uuid not null, "location_id" uuid not null, constraint "member_home_locations_pkey" primary key ("member_id", "location_id"));`,
    );

    this.addSql(
      `create table "member_pmk" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "member_id" uuid not null, "ssid" text not null, "pmk_enc" text not null, "passphrase_version" int not null, constraint "member_pmk_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "member_pmk" add constraint "member_pmk_member_id_ssid_unique" unique ("member_id", "ssid");`,
    );

    this.addSql(
      `create table "member_source" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "member_id" uuid not null, "integration_id" uuid not null, "external_id" text not null, "last_seen_at" timestamptz null, constraint "member_source_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "member_source" add constraint "member_source_integration_id_external_id_unique" unique ("integration_id", "external_id");`,
    );

    this.addSql(
      `create table "nas_client" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "location_id" uuid not null, "name" text not null, "ip_address" text not null, "secret_enc" text not null, "vendor" text check ("vendor" in ('generic', 'hostapd', 'meraki', 'cisco', 'aruba', 'ruckus', 'mikrotik', 'unifi', 'omada')) not null default 'generic', "mac_format" text check ("mac_format" in ('IETF', 'COLON_LOWER', 'COLON_UPPER', 'BARE_LOWER', 'BARE_UPPER', 'CISCO_DOTTED')) not null default 'IETF', "coa_port" int not null default 3799, "require_message_authenticator" boolean not null default true, "last_seen_at" timestamptz null, constraint "nas_client_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "nas_client" add constraint "nas_client_ip_address_unique" unique ("ip_address");`,
    );

    this.addSql(
      `create table "auth_event" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "nas_client_id" uuid null, "location_id" uuid null, "member_id" uuid null, "username" text null, "mac" text null, "method" text check ("method" in ('PAP', 'MAC_AUTH', 'PPSK', 'EAP_TTLS_PAP', 'PEAP_MSCHAPV2')) not null, "result" text check ("result" in ('ACCEPT', 'REJECT')) not null, "reason" text not null, "vlan_id" int null, "session_timeout_seconds" int null, constraint "auth_event_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "auth_event_member_id_created_at_index" on "auth_event" ("member_id", "created_at");`,
    );
    this.addSql(`create index "auth_event_created_at_index" on "auth_event" ("created_at");`);

    this.addSql(
      `create table "outbox_message" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "to_address" text not null, "subject" text not null, "html" text not null, "text" text not null, "template_key" text null, "member_id" uuid null, "status" text check ("status" in ('PENDING', 'SENT', 'FAILED', 'CAPTURED')) not null default 'PENDING', "attempts" int not null default 0, "last_error" text null, "sent_at" timestamptz null, constraint "outbox_message_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "outbox_message_status_created_at_index" on "outbox_message" ("status", "created_at");`,
    );

    this.addSql(
      `create table "radius_session" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "nas_client_id" uuid null, "member_id" uuid null, "username" text not null, "calling_station_id" text null, "called_station_id" text null, "acct_session_id" text not null, "acct_unique_id" text not null, "framed_ip_address" text null, "started_at" timestamptz not null, "last_update_at" timestamptz not null, "stopped_at" timestamptz null, "session_time_seconds" int not null default 0, "input_octets" bigint not null default 0, "output_octets" bigint not null default 0, "input_packets" bigint not null default 0, "output_packets" bigint not null default 0, "terminate_cause" text null, constraint "radius_session_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "radius_session" add constraint "radius_session_acct_unique_id_unique" unique ("acct_unique_id");`,
    );
    this.addSql(
      `create index "radius_session_nas_client_id_stopped_at_index" on "radius_session" ("nas_client_id", "stopped_at");`,
    );
    this.addSql(
      `create index "radius_session_member_id_stopped_at_index" on "radius_session" ("member_id", "stopped_at");`,
    );

    this.addSql(
      `create table "sync_run" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "integration_id" uuid not null, "trigger" text check ("trigger" in ('SCHEDULE', 'MANUAL', 'WEBHOOK')) not null, "status" text check ("status" in ('QUEUED', 'RUNNING', 'HELD', 'SUCCEEDED', 'FAILED', 'DISCARDED')) not null default 'QUEUED', "created" int not null default 0, "updated" int not null default 0, "enabled" int not null default 0, "disabled" int not null default 0, "deleted" int not null default 0, "unchanged" int not null default 0, "errors" int not null default 0, "started_at" timestamptz null, "finished_at" timestamptz null, "error" text null, "held_reason" text null, "pending_plan" jsonb null, constraint "sync_run_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "sync_run_integration_id_created_at_index" on "sync_run" ("integration_id", "created_at");`,
    );

    this.addSql(
      `create table "sync_log_entry" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "run_id" uuid not null, "seq" int not null, "level" text check ("level" in ('DEBUG', 'INFO', 'WARN', 'ERROR')) not null default 'INFO', "message" text not null, "data" jsonb null, constraint "sync_log_entry_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "sync_log_entry_run_id_seq_index" on "sync_log_entry" ("run_id", "seq");`);

    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "integration_id" uuid not null, "event" text not null, "delivery_id" text null, "verified" boolean not null default false, "outcome" text not null, "error" text null, "processed_at" timestamptz null, constraint "webhook_delivery_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_integration_id_delivery_id_unique" unique ("integration_id", "delivery_id");`,
    );

    this.addSql(
      `alter table "admin_session" add constraint "admin_session_admin_id_foreign" foreign key ("admin_id") references "admin_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "admin_user" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "access_group" add constraint "access_group_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "access_group" add constraint "access_group_integration_id_foreign" foreign key ("integration_id") references "integration" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "admin_user_locations" add constraint "admin_user_locations_admin_user_id_foreign" foreign key ("admin_user_id") references "admin_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "admin_user_locations" add constraint "admin_user_locations_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "location_mapping" add constraint "location_mapping_integration_id_foreign" foreign key ("integration_id") references "integration" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "location_mapping" add constraint "location_mapping_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "magic_link" add constraint "magic_link_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "magic_link" add constraint "magic_link_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "device" add constraint "device_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "access_grant" add constraint "access_grant_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "access_grant" add constraint "access_grant_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "access_grant" add constraint "access_grant_integration_id_foreign" foreign key ("integration_id") references "integration" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "member_groups" add constraint "member_groups_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "member_groups" add constraint "member_groups_group_id_foreign" foreign key ("group_id") references "access_group" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "member_home_locations" add constraint "member_home_locations_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "member_home_locations" add constraint "member_home_locations_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "member_pmk" add constraint "member_pmk_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "member_source" add constraint "member_source_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "member_source" add constraint "member_source_integration_id_foreign" foreign key ("integration_id") references "integration" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "nas_client" add constraint "nas_client_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "auth_event" add constraint "auth_event_nas_client_id_foreign" foreign key ("nas_client_id") references "nas_client" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "auth_event" add constraint "auth_event_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "auth_event" add constraint "auth_event_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "radius_session" add constraint "radius_session_nas_client_id_foreign" foreign key ("nas_client_id") references "nas_client" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "radius_session" add constraint "radius_session_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "sync_run" add constraint "sync_run_integration_id_foreign" foreign key ("integration_id") references "integration" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "sync_log_entry" add constraint "sync_log_entry_run_id_foreign" foreign key ("run_id") references "sync_run" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_integration_id_foreign" foreign key ("integration_id") references "integration" ("id") on update cascade on delete cascade;`,
    );
  }
}
