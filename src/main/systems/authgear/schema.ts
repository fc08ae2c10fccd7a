/**
 * Authgear (authgear/authgear-server @ fa7a7d55, 2026-08-21): the tables its migrations create (pg_dump --schema-only).
 * Every row carries app_id. Sessions and lockouts are not here: they live in Redis.
 * Used verbatim for the practice sandbox and the tests, so both run on the vendor's real table shapes.
 */
export const AUTHGEAR_SCHEMA_SQL = `
CREATE TABLE public._auth_authenticator (
    id text NOT NULL,
    app_id text NOT NULL,
    type text NOT NULL,
    user_id text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    is_default boolean NOT NULL,
    kind text NOT NULL
);
CREATE TABLE public._auth_authenticator_oob (
    id text NOT NULL,
    app_id text NOT NULL,
    phone text NOT NULL,
    email text NOT NULL,
    metadata jsonb
);
CREATE TABLE public._auth_authenticator_password (
    id text NOT NULL,
    app_id text NOT NULL,
    password_hash text NOT NULL,
    expire_after timestamp without time zone
);
CREATE TABLE public._auth_authenticator_totp (
    id text NOT NULL,
    app_id text NOT NULL,
    secret text NOT NULL,
    display_name text NOT NULL
);
CREATE TABLE public._auth_identity (
    id text NOT NULL,
    app_id text NOT NULL,
    type text NOT NULL,
    user_id text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL
);
CREATE TABLE public._auth_identity_login_id (
    id text NOT NULL,
    app_id text NOT NULL,
    login_id_key text NOT NULL,
    login_id text NOT NULL,
    claims jsonb NOT NULL,
    original_login_id text NOT NULL,
    unique_key text NOT NULL,
    login_id_type text NOT NULL
);
CREATE TABLE public._auth_oauth_authorization (
    id text NOT NULL,
    app_id text NOT NULL,
    client_id text NOT NULL,
    user_id text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    scopes jsonb NOT NULL
);
CREATE TABLE public._auth_password_history (
    id text NOT NULL,
    app_id text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    user_id text NOT NULL,
    password text NOT NULL
);
CREATE TABLE public._auth_recovery_code (
    id text NOT NULL,
    app_id text NOT NULL,
    user_id text NOT NULL,
    code text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    consumed boolean NOT NULL,
    updated_at timestamp without time zone NOT NULL
);
CREATE TABLE public._auth_user (
    id text NOT NULL,
    app_id text NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    last_login_at timestamp without time zone,
    login_at timestamp without time zone,
    is_disabled boolean NOT NULL,
    disable_reason text,
    standard_attributes jsonb,
    custom_attributes jsonb,
    is_deactivated boolean,
    delete_at timestamp without time zone,
    is_anonymized boolean DEFAULT false NOT NULL,
    anonymize_at timestamp without time zone,
    anonymized_at timestamp without time zone,
    last_indexed_at timestamp without time zone,
    require_reindex_after timestamp without time zone,
    mfa_grace_period_end_at timestamp without time zone,
    metadata jsonb,
    is_indefinitely_disabled boolean,
    account_valid_from timestamp without time zone,
    account_valid_until timestamp without time zone,
    temporarily_disabled_from timestamp without time zone,
    temporarily_disabled_until timestamp without time zone,
    account_status_stale_from timestamp without time zone
);
ALTER TABLE ONLY public._auth_authenticator_oob
    ADD CONSTRAINT _auth_authenticator_oob_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_authenticator_password
    ADD CONSTRAINT _auth_authenticator_password_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_authenticator
    ADD CONSTRAINT _auth_authenticator_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_authenticator_totp
    ADD CONSTRAINT _auth_authenticator_totp_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_identity_login_id
    ADD CONSTRAINT _auth_identity_login_id_key UNIQUE (app_id, unique_key);
ALTER TABLE ONLY public._auth_identity_login_id
    ADD CONSTRAINT _auth_identity_login_id_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_identity
    ADD CONSTRAINT _auth_identity_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_oauth_authorization
    ADD CONSTRAINT _auth_oauth_authorization_key UNIQUE (app_id, user_id, client_id);
ALTER TABLE ONLY public._auth_oauth_authorization
    ADD CONSTRAINT _auth_oauth_authorization_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_password_history
    ADD CONSTRAINT _auth_password_history_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_recovery_code
    ADD CONSTRAINT _auth_recovery_code_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public._auth_user
    ADD CONSTRAINT _auth_user_pkey PRIMARY KEY (id);
CREATE INDEX _auth_authenticator_app_id ON public._auth_authenticator USING btree (app_id);
CREATE INDEX _auth_authenticator_app_id_user_id ON public._auth_authenticator USING btree (app_id, user_id);
CREATE INDEX _auth_authenticator_user_id ON public._auth_authenticator USING btree (user_id);
CREATE INDEX _auth_identity_app_id ON public._auth_identity USING btree (app_id);
CREATE INDEX _auth_identity_app_id_user_id ON public._auth_identity USING btree (app_id, user_id);
CREATE INDEX _auth_identity_login_id_claim_email ON public._auth_identity_login_id USING btree (app_id, ((claims ->> 'email'::text)));
CREATE INDEX _auth_identity_login_id_claim_phone_number ON public._auth_identity_login_id USING btree (app_id, ((claims ->> 'phone_number'::text)));
CREATE INDEX _auth_identity_login_id_claim_preferred_username ON public._auth_identity_login_id USING btree (app_id, ((claims ->> 'preferred_username'::text)));
CREATE INDEX _auth_identity_login_id_login_id ON public._auth_identity_login_id USING btree (app_id, login_id_key, login_id);
CREATE INDEX _auth_identity_user_id ON public._auth_identity USING btree (user_id);
CREATE INDEX _auth_oauth_authorization_app_id_user_id ON public._auth_oauth_authorization USING btree (app_id, user_id);
CREATE INDEX _auth_oauth_authorization_user_id ON public._auth_oauth_authorization USING btree (user_id);
CREATE INDEX _auth_password_history_app_id_user_id ON public._auth_password_history USING btree (app_id, user_id);
CREATE INDEX _auth_password_history_user_id ON public._auth_password_history USING btree (user_id);
CREATE INDEX _auth_recovery_code_app_id_user_id ON public._auth_recovery_code USING btree (app_id, user_id);
CREATE INDEX _auth_recovery_code_user_id ON public._auth_recovery_code USING btree (user_id);
CREATE INDEX _auth_user_account_status_stale_from ON public._auth_user USING btree (account_status_stale_from);
CREATE INDEX _auth_user_anonymize_at ON public._auth_user USING brin (anonymize_at);
CREATE INDEX _auth_user_anonymized_at ON public._auth_user USING brin (anonymized_at);
CREATE INDEX _auth_user_app_id ON public._auth_user USING btree (app_id);
CREATE INDEX _auth_user_app_id_created_at ON public._auth_user USING btree (app_id, created_at DESC NULLS LAST);
CREATE INDEX _auth_user_app_id_last_login_at ON public._auth_user USING btree (app_id, last_login_at DESC NULLS LAST);
CREATE INDEX _auth_user_delete_at ON public._auth_user USING brin (delete_at);
ALTER TABLE ONLY public._auth_authenticator_oob
    ADD CONSTRAINT _auth_authenticator_oob_id_fkey FOREIGN KEY (id) REFERENCES public._auth_authenticator(id);
ALTER TABLE ONLY public._auth_authenticator_password
    ADD CONSTRAINT _auth_authenticator_password_id_fkey FOREIGN KEY (id) REFERENCES public._auth_authenticator(id);
ALTER TABLE ONLY public._auth_authenticator_totp
    ADD CONSTRAINT _auth_authenticator_totp_id_fkey FOREIGN KEY (id) REFERENCES public._auth_authenticator(id);
ALTER TABLE ONLY public._auth_authenticator
    ADD CONSTRAINT _auth_authenticator_user_id_fkey FOREIGN KEY (user_id) REFERENCES public._auth_user(id);
ALTER TABLE ONLY public._auth_identity_login_id
    ADD CONSTRAINT _auth_identity_login_id_id_fkey FOREIGN KEY (id) REFERENCES public._auth_identity(id);
ALTER TABLE ONLY public._auth_identity
    ADD CONSTRAINT _auth_identity_user_id_fkey FOREIGN KEY (user_id) REFERENCES public._auth_user(id);
ALTER TABLE ONLY public._auth_oauth_authorization
    ADD CONSTRAINT _auth_oauth_authorization_user_id_fkey FOREIGN KEY (user_id) REFERENCES public._auth_user(id);
ALTER TABLE ONLY public._auth_password_history
    ADD CONSTRAINT _auth_password_history_user_id_fkey FOREIGN KEY (user_id) REFERENCES public._auth_user(id);
ALTER TABLE ONLY public._auth_recovery_code
    ADD CONSTRAINT _auth_recovery_code_user_id_fkey FOREIGN KEY (user_id) REFERENCES public._auth_user(id);
`;
