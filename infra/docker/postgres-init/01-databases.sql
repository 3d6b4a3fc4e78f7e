-- Generated from infra/local/src/databases.ts by
--   npx tsx infra/local/src/cli.ts gen-docker-init
-- Do not edit by hand. Runs once, when the postgres volume is created.
CREATE DATABASE "consign_gateway";
CREATE DATABASE "consign_inventory";
CREATE DATABASE "consign_earnings";
CREATE DATABASE "consign_consignor";
CREATE DATABASE "consign_notification";
CREATE DATABASE "consign_reconciler";
CREATE DATABASE "consign_registry";
