/**
 * SysReptor (Syslifters/sysreptor @ ffbbea03, release 2026.61): users_* tables as its migrations 0001..0019 create them
 * (Django sqlmigrate, dumped with pg_dump --schema-only). No column has a DB default: an INSERT gives every NOT NULL column.
 * Used verbatim for the practice sandbox and the tests, so both run on the vendor's real table shapes.
 */
export const SYSREPTOR_SCHEMA_SQL = `
CREATE TABLE public.users_apitoken (
    id uuid NOT NULL,
    created timestamp with time zone NOT NULL,
    updated timestamp with time zone NOT NULL,
    token_hash character varying(256) NOT NULL,
    name character varying(255) NOT NULL,
    expire_date date,
    user_id uuid NOT NULL,
    last_used timestamp with time zone,
    admin_permissions_enabled boolean NOT NULL
);
CREATE TABLE public.users_authidentity (
    id uuid NOT NULL,
    created timestamp with time zone NOT NULL,
    updated timestamp with time zone NOT NULL,
    provider character varying(255) NOT NULL,
    identifier character varying(255) NOT NULL,
    user_id uuid NOT NULL
);
CREATE TABLE public.users_mfamethod (
    id uuid NOT NULL,
    created timestamp with time zone NOT NULL,
    updated timestamp with time zone NOT NULL,
    method_type character varying(255) NOT NULL,
    is_primary boolean NOT NULL,
    name character varying(255) NOT NULL,
    data bytea NOT NULL,
    user_id uuid NOT NULL
);
CREATE TABLE public.users_pentestuser (
    last_login timestamp with time zone,
    is_superuser boolean NOT NULL,
    username character varying(150) NOT NULL,
    first_name character varying(150) NOT NULL,
    last_name character varying(150) NOT NULL,
    is_staff boolean NOT NULL,
    is_active boolean NOT NULL,
    date_joined timestamp with time zone NOT NULL,
    id uuid NOT NULL,
    created timestamp with time zone NOT NULL,
    updated timestamp with time zone NOT NULL,
    email character varying(254),
    phone character varying(255),
    middle_name character varying(255),
    title_after character varying(255),
    title_before character varying(255),
    mobile character varying(255),
    is_designer boolean NOT NULL,
    is_template_editor boolean NOT NULL,
    is_user_manager boolean NOT NULL,
    is_guest boolean NOT NULL,
    password bytea NOT NULL,
    is_system_user boolean NOT NULL,
    is_global_archiver boolean NOT NULL,
    is_project_admin boolean NOT NULL,
    must_change_password boolean NOT NULL,
    color character varying(7) NOT NULL,
    can_login_local boolean NOT NULL,
    failed_mfa_attempts integer NOT NULL,
    CONSTRAINT users_pentestuser_failed_mfa_attempts_check CHECK ((failed_mfa_attempts >= 0))
);
CREATE TABLE public.users_session (
    expire_date timestamp with time zone NOT NULL,
    session_key bytea NOT NULL,
    session_data bytea NOT NULL,
    session_key_hash bytea NOT NULL
);
ALTER TABLE ONLY public.users_apitoken
    ADD CONSTRAINT users_apitoken_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users_authidentity
    ADD CONSTRAINT users_authidentity_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users_authidentity
    ADD CONSTRAINT users_authidentity_provider_identifier_36e7e02b_uniq UNIQUE (provider, identifier);
ALTER TABLE ONLY public.users_mfamethod
    ADD CONSTRAINT users_mfamethod_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users_pentestuser
    ADD CONSTRAINT users_pentestuser_email_26cff1dc_uniq UNIQUE (email);
ALTER TABLE ONLY public.users_pentestuser
    ADD CONSTRAINT users_pentestuser_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users_pentestuser
    ADD CONSTRAINT users_pentestuser_username_key UNIQUE (username);
ALTER TABLE ONLY public.users_session
    ADD CONSTRAINT users_session_pkey PRIMARY KEY (session_key_hash);
CREATE INDEX users_apitoken_user_id_1feb0204 ON public.users_apitoken USING btree (user_id);
CREATE INDEX users_authidentity_user_id_76679b8f ON public.users_authidentity USING btree (user_id);
CREATE INDEX users_mfamethod_user_id_8e754d19 ON public.users_mfamethod USING btree (user_id);
CREATE INDEX users_pentestuser_email_26cff1dc_like ON public.users_pentestuser USING btree (email varchar_pattern_ops);
CREATE INDEX users_pentestuser_is_designer_ac5ef013 ON public.users_pentestuser USING btree (is_designer);
CREATE INDEX users_pentestuser_is_global_archiver_40ac54cb ON public.users_pentestuser USING btree (is_global_archiver);
CREATE INDEX users_pentestuser_is_guest_4519aae8 ON public.users_pentestuser USING btree (is_guest);
CREATE INDEX users_pentestuser_is_project_admin_57c2528f ON public.users_pentestuser USING btree (is_project_admin);
CREATE INDEX users_pentestuser_is_system_user_4be293b9 ON public.users_pentestuser USING btree (is_system_user);
CREATE INDEX users_pentestuser_is_template_editor_e3b7fe37 ON public.users_pentestuser USING btree (is_template_editor);
CREATE INDEX users_pentestuser_is_user_manager_1267e76b ON public.users_pentestuser USING btree (is_user_manager);
CREATE INDEX users_pentestuser_username_94d79cb0_like ON public.users_pentestuser USING btree (username varchar_pattern_ops);
CREATE INDEX users_session_expire_date_a4aa5db7 ON public.users_session USING btree (expire_date);
ALTER TABLE ONLY public.users_apitoken
    ADD CONSTRAINT users_apitoken_user_id_1feb0204_fk_users_pentestuser_id FOREIGN KEY (user_id) REFERENCES public.users_pentestuser(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ONLY public.users_authidentity
    ADD CONSTRAINT users_authidentity_user_id_76679b8f_fk_users_pentestuser_id FOREIGN KEY (user_id) REFERENCES public.users_pentestuser(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ONLY public.users_mfamethod
    ADD CONSTRAINT users_mfamethod_user_id_8e754d19_fk_users_pentestuser_id FOREIGN KEY (user_id) REFERENCES public.users_pentestuser(id) DEFERRABLE INITIALLY DEFERRED;
`;
