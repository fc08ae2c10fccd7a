/**
 * The tables a password reset touches, as Synapse (element-hq/synapse @ a58ad44e, v1.157.1) and
 * Matrix Authentication Service (element-hq/matrix-authentication-service @ 682b8d26, v1.22.0)
 * create them on PostgreSQL (../shared/reference/schemas/synapse.sql and mas.sql, verbatim).
 * Used for the practice sandbox and the tests, so both run on the vendors' real table shapes.
 */
export const SYNAPSE_SCHEMA_SQL = `
-- Synapse (element-hq/synapse @ a58ad44eb0ce3cc14153f921206f322e17339dc5, 2026-07-24, v1.157.1; SCHEMA_VERSION 94)
-- Tables a password reset touches or must check, as they stand on PostgreSQL after all deltas.
-- Base: synapse/storage/schema/main/full_schemas/72/full.sql.postgres
-- Deltas applied on top (only ones touching these tables):
--   delta/72/06add_consent_ts_to_users.sql        users.consent_ts
--   delta/73/03users_approved_column.sql          users.approved
--   delta/73/10login_tokens.sql                   login_tokens
--   delta/80/01_users_alter_locked.sql            users.locked
--   delta/85/01_add_suspended.sql                 users.suspended
--   delta/84/04_access_token_index.sql            background index access_tokens_refresh_token_id_idx
--     (created by synapse/storage/databases/main/registration.py register_background_index_update)
-- Note: users has NO primary key, only UNIQUE(name). All *_ms / *_ts columns are epoch milliseconds.

CREATE TABLE users (
    name text,                              -- full MXID '@localpart:server_name'
    password_hash text,                     -- bcrypt '$2b$<rounds>$...'; NULL after deactivation
    creation_ts bigint,                     -- seconds (not ms)
    admin smallint DEFAULT 0 NOT NULL,
    upgrade_ts bigint,
    is_guest smallint DEFAULT 0 NOT NULL,
    appservice_id text,
    consent_version text,
    consent_server_notice_sent text,
    user_type text,
    deactivated smallint DEFAULT 0 NOT NULL, -- 1 = deactivated (login -> 403 M_USER_DEACTIVATED)
    shadow_banned boolean,                  -- NULL treated as false; does not block login
    consent_ts bigint,
    approved boolean,                       -- NULL treated as true; false blocks login only with MSC3866
    locked boolean DEFAULT false NOT NULL,  -- true: login -> 401 M_USER_LOCKED, existing tokens rejected
    suspended boolean DEFAULT false NOT NULL
);
ALTER TABLE ONLY users ADD CONSTRAINT users_name_key UNIQUE (name);
CREATE INDEX users_creation_ts ON users USING btree (creation_ts);

CREATE TABLE refresh_tokens (
    id bigint NOT NULL,
    user_id text NOT NULL,
    device_id text NOT NULL,
    token text NOT NULL,
    next_token_id bigint,
    expiry_ts bigint,
    ultimate_session_expiry_ts bigint
);
ALTER TABLE ONLY refresh_tokens ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id);
ALTER TABLE ONLY refresh_tokens ADD CONSTRAINT refresh_tokens_token_key UNIQUE (token);
CREATE INDEX refresh_tokens_next_token_id ON refresh_tokens USING btree (next_token_id) WHERE (next_token_id IS NOT NULL);
ALTER TABLE ONLY refresh_tokens
    ADD CONSTRAINT refresh_tokens_next_token_id_fkey FOREIGN KEY (next_token_id) REFERENCES refresh_tokens(id) ON DELETE CASCADE;

CREATE TABLE access_tokens (
    id bigint NOT NULL,                     -- allocated by Synapse's id generator, no sequence/default
    user_id text NOT NULL,
    device_id text,
    token text NOT NULL,                    -- plaintext 'syt_...' token
    valid_until_ms bigint,
    puppets_user_id text,                   -- admin "login as user" tokens: user_id = admin, puppets_user_id = target
    last_validated bigint,
    refresh_token_id bigint,
    used boolean
);
ALTER TABLE ONLY access_tokens ADD CONSTRAINT access_tokens_pkey PRIMARY KEY (id);
ALTER TABLE ONLY access_tokens ADD CONSTRAINT access_tokens_token_key UNIQUE (token);
CREATE INDEX access_tokens_device_id ON access_tokens USING btree (user_id, device_id);
CREATE INDEX access_tokens_refresh_token_id_idx ON access_tokens USING btree (refresh_token_id);
ALTER TABLE ONLY access_tokens
    ADD CONSTRAINT access_tokens_refresh_token_id_fkey FOREIGN KEY (refresh_token_id) REFERENCES refresh_tokens(id) ON DELETE CASCADE;

CREATE TABLE devices (
    user_id text NOT NULL,
    device_id text NOT NULL,
    display_name text,
    last_seen bigint,
    ip text,
    user_agent text,
    hidden boolean DEFAULT false
);
ALTER TABLE ONLY devices ADD CONSTRAINT device_uniqueness UNIQUE (user_id, device_id);

CREATE TABLE user_threepids (
    user_id text NOT NULL,
    medium text NOT NULL,                   -- 'email' | 'msisdn'
    address text NOT NULL,
    validated_at bigint NOT NULL,
    added_at bigint NOT NULL
);
ALTER TABLE ONLY user_threepids ADD CONSTRAINT medium_address UNIQUE (medium, address);
CREATE INDEX user_threepids_medium_address ON user_threepids USING btree (medium, address);
CREATE INDEX user_threepids_user_id ON user_threepids USING btree (user_id);

-- Login is also refused for an expired account when account_validity is enabled (403 M_EXPIRED_ACCOUNT).
CREATE TABLE account_validity (
    user_id text NOT NULL,
    expiration_ts_ms bigint NOT NULL,
    email_sent boolean NOT NULL,
    renewal_token text,
    token_used_ts_ms bigint
);
ALTER TABLE ONLY account_validity ADD CONSTRAINT account_validity_pkey PRIMARY KEY (user_id);

-- Written by deactivation (erase=true) / background parting; read to explain a deactivated account.
CREATE TABLE erased_users (user_id text NOT NULL);
CREATE UNIQUE INDEX erased_users_user ON erased_users USING btree (user_id);
CREATE TABLE users_pending_deactivation (user_id text NOT NULL);

-- SSO-linked accounts (a password can still be set on them when password auth is enabled).
CREATE TABLE user_external_ids (
    auth_provider text NOT NULL,
    external_id text NOT NULL,
    user_id text NOT NULL
);
ALTER TABLE ONLY user_external_ids ADD CONSTRAINT user_external_ids_auth_provider_external_id_key UNIQUE (auth_provider, external_id);
CREATE INDEX user_external_ids_user_id_idx ON user_external_ids USING btree (user_id);

-- Short-lived m.login.token tokens (delta/73/10login_tokens.sql).
CREATE TABLE login_tokens (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    expiry_ts BIGINT NOT NULL,
    used_ts BIGINT,
    auth_provider_id TEXT,
    auth_provider_session_id TEXT
);
CREATE INDEX login_tokens_auth_provider_idx ON login_tokens (auth_provider_id, auth_provider_session_id);
CREATE INDEX login_tokens_expiry_time_idx ON login_tokens (expiry_ts);
`;

export const MAS_SCHEMA_SQL = `
-- Matrix Authentication Service (element-hq/matrix-authentication-service @ 682b8d26d3b3666b6652490f66618ab3d640fa5d,
-- 2026-08-07; latest tag v1.22.0). Source: crates/storage-pg/migrations/*.sql (sqlx), all applied in order to an
-- empty PostgreSQL and dumped with pg_dump --schema-only (tables users, user_passwords, compat_sessions,
-- oauth2_sessions, user_sessions only). Active password = newest user_passwords row by created_at
-- (crates/storage-pg/src/user/password.rs). A session is live while finished_at IS NULL.
-- users_username_trgm_idx needs pg_trgm (MAS creates the extension in its migrations).
-- The FK oauth2_sessions -> oauth2_clients is kept as a comment so this file loads on its own.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE public.compat_sessions (
    compat_session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    device_id text,
    created_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    is_synapse_admin boolean DEFAULT false NOT NULL,
    last_active_at timestamp with time zone,
    last_active_ip inet,
    user_session_id uuid,
    user_agent text,
    human_name text
);
CREATE TABLE public.oauth2_sessions (
    oauth2_session_id uuid NOT NULL,
    user_session_id uuid,
    oauth2_client_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    user_id uuid,
    scope_list text[] NOT NULL,
    last_active_at timestamp with time zone,
    last_active_ip inet,
    user_agent text,
    human_name text
);
CREATE TABLE public.user_passwords (
    user_password_id uuid NOT NULL,
    user_id uuid NOT NULL,
    hashed_password text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    upgraded_from_id uuid
);
CREATE TABLE public.user_sessions (
    user_session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    user_agent text,
    last_active_at timestamp with time zone,
    last_active_ip inet
);
CREATE TABLE public.users (
    user_id uuid NOT NULL,
    username text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    locked_at timestamp with time zone,
    can_request_admin boolean DEFAULT false NOT NULL,
    is_guest boolean DEFAULT false NOT NULL,
    deactivated_at timestamp with time zone
);
ALTER TABLE ONLY public.compat_sessions
    ADD CONSTRAINT compat_sessions_pkey PRIMARY KEY (compat_session_id);
ALTER TABLE ONLY public.oauth2_sessions
    ADD CONSTRAINT oauth2_sessions_pkey PRIMARY KEY (oauth2_session_id);
ALTER TABLE ONLY public.user_passwords
    ADD CONSTRAINT user_passwords_pkey PRIMARY KEY (user_password_id);
ALTER TABLE ONLY public.user_sessions
    ADD CONSTRAINT user_sessions_pkey PRIMARY KEY (user_session_id);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (user_id);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_username_unique UNIQUE (username);
CREATE INDEX compat_sessions_active_user_idx ON public.compat_sessions USING btree (user_id) WHERE (finished_at IS NULL);
CREATE INDEX compat_sessions_finished_at_idx ON public.compat_sessions USING btree (finished_at) WHERE (finished_at IS NOT NULL);
CREATE INDEX compat_sessions_inactive_ips_idx ON public.compat_sessions USING btree (last_active_at) WHERE ((last_active_ip IS NOT NULL) AND (last_active_at IS NOT NULL));
CREATE INDEX compat_sessions_last_active_at_idx ON public.compat_sessions USING btree (last_active_at);
CREATE INDEX compat_sessions_user_fk ON public.compat_sessions USING btree (user_id) INCLUDE (last_active_at);
CREATE INDEX compat_sessions_user_session_fk ON public.compat_sessions USING btree (user_session_id);
CREATE INDEX oauth2_sessions_active_client_idx ON public.oauth2_sessions USING btree (oauth2_client_id) WHERE (finished_at IS NULL);
CREATE INDEX oauth2_sessions_active_user_client_idx ON public.oauth2_sessions USING btree (user_id, oauth2_client_id) WHERE (finished_at IS NULL);
CREATE INDEX oauth2_sessions_client_fk ON public.oauth2_sessions USING btree (oauth2_client_id);
CREATE INDEX oauth2_sessions_finished_at_idx ON public.oauth2_sessions USING btree (finished_at) WHERE (finished_at IS NOT NULL);
CREATE INDEX oauth2_sessions_inactive_ips_idx ON public.oauth2_sessions USING btree (last_active_at) WHERE ((last_active_ip IS NOT NULL) AND (last_active_at IS NOT NULL));
CREATE INDEX oauth2_sessions_last_active_at_idx ON public.oauth2_sessions USING btree (last_active_at);
CREATE INDEX oauth2_sessions_scope_list_idx ON public.oauth2_sessions USING gin (scope_list);
CREATE INDEX oauth2_sessions_user_fk ON public.oauth2_sessions USING btree (user_id) INCLUDE (last_active_at);
CREATE INDEX oauth2_sessions_user_session_fk ON public.oauth2_sessions USING btree (user_session_id);
CREATE INDEX user_passwords_user_fk ON public.user_passwords USING btree (user_id);
CREATE INDEX user_sessions_finished_at_idx ON public.user_sessions USING btree (finished_at) WHERE (finished_at IS NOT NULL);
CREATE INDEX user_sessions_inactive_ips_idx ON public.user_sessions USING btree (last_active_at) WHERE ((last_active_ip IS NOT NULL) AND (last_active_at IS NOT NULL));
CREATE INDEX user_sessions_last_active_at_idx ON public.user_sessions USING btree (last_active_at);
CREATE INDEX user_sessions_user_fk ON public.user_sessions USING btree (user_id) INCLUDE (last_active_at);
CREATE INDEX users_lower_username_idx ON public.users USING btree (lower(username));
CREATE INDEX users_username_trgm_idx ON public.users USING gin (username public.gin_trgm_ops);
ALTER TABLE ONLY public.compat_sessions
    ADD CONSTRAINT compat_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(user_id);
ALTER TABLE ONLY public.compat_sessions
    ADD CONSTRAINT compat_sessions_user_session_id_fkey FOREIGN KEY (user_session_id) REFERENCES public.user_sessions(user_session_id);
-- ALTER TABLE ONLY public.oauth2_sessions
--     ADD CONSTRAINT oauth2_sessions_oauth2_client_id_fkey FOREIGN KEY (oauth2_client_id) REFERENCES public.oauth2_clients(oauth2_client_id);
ALTER TABLE ONLY public.oauth2_sessions
    ADD CONSTRAINT oauth2_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(user_id) ON DELETE CASCADE;
ALTER TABLE ONLY public.oauth2_sessions
    ADD CONSTRAINT oauth2_sessions_user_session_id_fkey FOREIGN KEY (user_session_id) REFERENCES public.user_sessions(user_session_id);
ALTER TABLE ONLY public.user_passwords
    ADD CONSTRAINT user_passwords_upgraded_from_id_fkey FOREIGN KEY (upgraded_from_id) REFERENCES public.user_passwords(user_password_id) ON DELETE SET NULL;
ALTER TABLE ONLY public.user_passwords
    ADD CONSTRAINT user_passwords_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(user_id);
ALTER TABLE ONLY public.user_sessions
    ADD CONSTRAINT user_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(user_id);
`;
