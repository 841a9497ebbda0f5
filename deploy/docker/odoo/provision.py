# Run by the compose job `odoo-init` through `odoo shell` (env is the shell's environment, as superuser).
# Creates the two integration users of the platform and installs the API keys that compose hands to the
# services as secrets (the same secret files, so the keys never exist outside them):
#   tradewind-writer  (ODOO_API_KEY, odoo-writer only): sales, purchase, inventory and invoicing rights
#   tradewind-reader  (ODOO_READ_API_KEY, order-intake): an internal user with user-level rights. Odoo has
#                     no built-in read-only role; production gives this user a custom group with read ACLs.
# Idempotent: the users are found by login, their `tradewind-compose` keys are replaced on every run.
import os

try:  # Odoo 17-19 keep the API-key hashing context next to res.users
    from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT
except ImportError:  # pragma: no cover - a later layout
    from odoo.addons.base.models.res_users_apikeys import INDEX_SIZE, KEY_CRYPT_CONTEXT

KEY_NAME = "tradewind-compose"


def read_secret(name):
    with open(os.path.join("/run/secrets", name), encoding="utf-8") as handle:
        return handle.read().strip()


def groups(*xmlids):
    found = [env.ref(xmlid, raise_if_not_found=False) for xmlid in xmlids]
    return [group.id for group in found if group]


def ensure_user(login, name, group_ids):
    users = env["res.users"].with_context(active_test=False)
    user = users.search([("login", "=", login)], limit=1)
    if not user:
        user = users.create({"login": login, "name": name})
    user.write({"active": True, "group_ids" if "group_ids" in user._fields else "groups_id": [(4, gid) for gid in group_ids]})
    return user


def install_key(user, key):
    if len(key) < INDEX_SIZE + 8:
        raise SystemExit(f"odoo-init: the API key for {user.login} is too short")
    env.cr.execute("DELETE FROM res_users_apikeys WHERE user_id = %s AND name = %s", [user.id, KEY_NAME])
    env.cr.execute(
        "INSERT INTO res_users_apikeys (name, user_id, scope, expiration_date, key, index)"
        " VALUES (%s, %s, NULL, NULL, %s, %s)",
        [KEY_NAME, user.id, KEY_CRYPT_CONTEXT.hash(key), key[:INDEX_SIZE]],
    )
    if env["res.users.apikeys"]._check_credentials(scope="rpc", key=key) != user.id:
        raise SystemExit(f"odoo-init: Odoo does not accept the installed key of {user.login}")


writer = ensure_user(
    "tradewind-writer",
    "Tradewind integration (writer)",
    groups(
        "base.group_user",
        "sales_team.group_sale_manager",
        "purchase.group_purchase_manager",
        "stock.group_stock_manager",
        "account.group_account_manager",
    ),
)
reader = ensure_user(
    "tradewind-reader",
    "Tradewind integration (reader)",
    groups("base.group_user", "sales_team.group_sale_salesman_all_leads", "stock.group_stock_user"),
)
install_key(writer, read_secret("odoo_api_key"))
install_key(reader, read_secret("odoo_read_api_key"))
env.cr.commit()
print("odoo-init: users tradewind-writer and tradewind-reader provisioned with their compose API keys")
