// Screenshots of the integration as a user sees it, for the README (run by scripts/screenshots).
//
//   node scripts/screenshots.mjs --ha URL --simulator URL --out DIR [--language en|cs]
//       [--only NAME,...]
//
// Drives Debian's chromium (/usr/bin/chromium, never a downloaded browser) headless with
// playwright-core through a running scripts/develop instance (user dev / dev, both demo
// accounts added). Signs in with a token from Home Assistant's own login flow, prepares what
// a user would have (a dashboard, a call, the repair of the expiring Zadarma number) over
// the websocket API of the page itself, then takes one 1280x800 PNG per view. With
// --language cs the user's and the server's language are Czech and the files end in -cs.

import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, ".cache/screenshots/node/"));
const { chromium } = require("playwright-core");

const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function options() {
  const args = { language: "en", only: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i].replace(/^--/, ""), argv[i + 1]];
    if (!["ha", "simulator", "out", "language", "only"].includes(key) || value === undefined) {
      throw new Error(`usage: screenshots.mjs --ha URL --simulator URL --out DIR ... (${argv[i]})`);
    }
    args[key] = key === "only" ? value.split(",") : value;
  }
  for (const key of ["ha", "simulator", "out"]) {
    if (!args[key]) throw new Error(`--${key} is required`);
  }
  return args;
}

/** Sign in as dev through Home Assistant's login flow; return its token response. */
async function signIn(ha) {
  const clientId = `${ha}/`;
  const post = async (path, body) => {
    const response = await fetch(ha + path, body);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  const json = (body) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const flow = await post(
    "/auth/login_flow",
    json({ client_id: clientId, handler: ["homeassistant", null], redirect_uri: clientId }),
  );
  const login = await post(
    `/auth/login_flow/${flow.flow_id}`,
    json({ client_id: clientId, username: "dev", password: "dev" }),
  );
  if (!login.result) throw new Error(`cannot sign in as dev: ${JSON.stringify(login)}`);
  return post("/auth/token", {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: login.result,
      client_id: clientId,
    }),
  });
}

/** The browser page, signed in, with helpers that use the page's own connection. */
async function openPage(browser, ha, tokens) {
  const page = await browser.newPage({ viewport: VIEWPORT, locale: "en-US" });
  page.setDefaultTimeout(20000);
  await page.addInitScript((stored) => {
    localStorage.setItem(
      "hassTokens",
      JSON.stringify({
        ...stored,
        hassUrl: location.origin,
        clientId: `${location.origin}/`,
        expires: Date.now() + stored.expires_in * 1000,
      }),
    );
  }, tokens);
  const hass = () => document.querySelector("home-assistant")?.hass;
  const ready = async () =>
    page.waitForFunction(() => document.querySelector("home-assistant")?.hass?.connected);
  const go = async (path, settle = 2500) => {
    await page.goto(ha + path);
    await ready();
    await page.waitForTimeout(settle);
  };
  await go("/", 0);
  return {
    page,
    go,
    ws: (message) =>
      page.evaluate((m) => document.querySelector("home-assistant").hass.callWS(m), message),
    api: (method, path, body) =>
      page.evaluate(
        ([m, p, b]) => document.querySelector("home-assistant").hass.callApi(m, p, b),
        [method, path, body],
      ),
    localize: (key) =>
      page.evaluate((k) => document.querySelector("home-assistant").hass.localize(k), key),
    hass,
  };
}

/** Set the user's and the server's language; reload the entries so names follow. */
async function useLanguage(ui, language) {
  await ui.ws({
    type: "frontend/set_user_data",
    key: "language",
    value: { language, number_format: "language", time_format: "language" },
  });
  await ui.ws({ type: "config/core/update", language });
  for (const entry of await ui.ws({ type: "config_entries/get", domain: "telco" })) {
    await ui.api("POST", `config/config_entries/entry/${entry.entry_id}/reload`);
  }
}

/** What the demo accounts have: entries, devices and entities by their translation keys. */
async function inventory(ui) {
  const entries = await ui.ws({ type: "config_entries/get", domain: "telco" });
  const entry = (operator) => entries.find((e) => e.title.toLowerCase().startsWith(operator));
  if (!entry("odorik") || !entry("zadarma")) {
    throw new Error(`both demo accounts must be configured: ${entries.map((e) => e.title)}`);
  }
  const devices = (await ui.ws({ type: "config/device_registry/list" })).filter((d) =>
    d.identifiers.some(([domain]) => domain === "telco"),
  );
  const entities = (await ui.ws({ type: "config/entity_registry/list" })).filter(
    (e) => e.platform === "telco",
  );
  const deviceOf = (operator, model) =>
    devices.find(
      (d) => d.config_entries.includes(entry(operator).entry_id) && d.model === model,
    ) ||
    devices.find(
      (d) =>
        d.config_entries.includes(entry(operator).entry_id) &&
        (model === "account" ? d.via_device_id === null : d.via_device_id !== null),
    );
  const odorikAccount = deviceOf("odorik", "account");
  const sim = devices.find(
    (d) => d.via_device_id === odorikAccount.id && d.name.startsWith("SIM"),
  );
  const entity = (device, key) =>
    entities.find((e) => e.device_id === device.id && e.translation_key === key)?.entity_id;
  const names = await ui.page.evaluate(() =>
    Object.fromEntries(
      Object.values(document.querySelector("home-assistant").hass.states).map((s) => [
        s.entity_id,
        s.attributes.friendly_name,
      ]),
    ),
  );
  // An entity's name without its device's, as a card inside the device's section shows it.
  const shortName = (entityId, device) =>
    (names[entityId] || entityId).replace(`${device.name} `, "");
  return {
    shortName,
    odorik: entry("odorik"),
    zadarma: entry("zadarma"),
    odorikAccount,
    zadarmaAccount: deviceOf("zadarma", "account"),
    sim,
    entity,
  };
}

/** A call at each operator, so that the call event entities have something to tell. */
async function makeCalls(ui, simulator, found) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "+00:00");
  const calls = [
    ["/_control/odorik/calls", { source_number: "00420777000111", date: now }],
    ["/_control/zadarma/calls", { from: "48601999888", to: "48221234567" }],
  ];
  for (const [path, body] of calls) {
    const response = await fetch(simulator + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  }
  const events = [
    found.entity(found.odorikAccount, "call"),
    found.entity(found.zadarmaAccount, "call"),
  ];
  await ui.api("POST", "services/homeassistant/update_entity", { entity_id: events });
  await ui.page.waitForFunction(
    (ids) => ids.every((id) => document.querySelector("home-assistant").hass.states[id]?.attributes.event_type),
    events,
    { timeout: 90000 },
  );
}

/** The dashboard a user would build from these entities (saved as the "telco-demo" dashboard). */
function dashboard(found, statistics, language) {
  const { entity, sim, odorikAccount, zadarmaAccount } = found;
  const words = {
    en: { balance: "Balance", calls: "Calls", history: "Call cost by month", data: "Mobile data by month" },
    cs: { balance: "Kredit", calls: "Hovory", history: "Cena hovorů po měsících", data: "Mobilní data po měsících" },
  }[language] || {};
  const tile = (entityId, name, columns = 6, extra = {}) => ({
    type: "tile",
    entity: entityId,
    name,
    grid_options: { columns },
    ...extra,
  });
  const lastEvent = { state_content: ["event_type", "last_changed"] };
  const monthly = (title, entities) => ({
    type: "statistics-graph",
    title,
    chart_type: "bar",
    period: "month",
    stat_types: ["change"],
    days_to_show: 365,
    entities,
  });
  return {
    title: "Telco",
    views: [
      {
        title: "Telco",
        path: "telco",
        type: "sections",
        max_columns: 2,
        sections: [
          {
            type: "grid",
            cards: [
              { type: "heading", heading: words.balance },
              tile(entity(odorikAccount, "balance"), "Odorik.cz"),
              tile(entity(zadarmaAccount, "balance"), "Zadarma"),
              { type: "heading", heading: words.calls },
              tile(entity(odorikAccount, "call"), "Odorik.cz", 12, lastEvent),
              tile(entity(zadarmaAccount, "call"), "Zadarma", 12, lastEvent),
              monthly(words.history, statistics.filter((id) => id.endsWith("_call_cost")).slice(0, 1)),
            ],
          },
          {
            type: "grid",
            cards: [
              { type: "heading", heading: sim.name },
              {
                type: "entities",
                state_color: true,
                entities: [
                  "data_used",
                  "mobile_data",
                  "lte",
                  "roaming",
                  "roaming_profile",
                  "data_package_next_month",
                ].map((key) => ({ entity: entity(sim, key), name: found.shortName(entity(sim, key), sim) })),
              },
              monthly(words.data, statistics.filter((id) => id.endsWith("_data_used"))),
            ],
          },
        ],
      },
    ],
  };
}

/** Wait until the history import has written the account's statistics and settled. */
async function importedStatistics(ui) {
  let before = null;
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const ids = (await ui.ws({ type: "recorder/list_statistic_ids", statistic_type: "sum" }))
      .map((s) => s.statistic_id)
      .filter((id) => id.startsWith("telco:odorik"));
    if (ids.some((id) => id.endsWith("_call_cost")) && ids.some((id) => id.endsWith("_data_used"))) {
      const rows = await ui.ws({
        type: "recorder/statistics_during_period",
        start_time: new Date(Date.now() - 400 * 86400 * 1000).toISOString(),
        statistic_ids: ids,
        period: "month",
        types: ["change"],
      });
      const now = JSON.stringify(rows);
      if (now === before) return ids;
      before = now;
    }
    await ui.page.waitForTimeout(2000);
  }
  throw new Error("the statistics of the Odorik account were not imported within 4 minutes");
}

async function saveDashboard(ui, found, language) {
  const existing = await ui.ws({ type: "lovelace/dashboards/list" });
  if (!existing.some((d) => d.url_path === "telco-demo")) {
    await ui.ws({
      type: "lovelace/dashboards/create",
      url_path: "telco-demo",
      title: "Telco",
      icon: "mdi:phone",
      show_in_sidebar: true,
      require_admin: false,
      mode: "storage",
    });
  }
  const statistics = await importedStatistics(ui);
  await ui.ws({ type: "lovelace/config/save", url_path: "telco-demo", config: dashboard(found, statistics, language) });
}

/** Ignore the repairs Home Assistant raises about this development install, not ours. */
async function ignoreForeignRepairs(ui) {
  const { issues } = await ui.ws({ type: "repairs/list_issues" });
  for (const issue of issues.filter((i) => i.domain !== "telco" && !i.ignored)) {
    await ui.ws({
      type: "repairs/ignore_issue",
      domain: issue.domain,
      issue_id: issue.issue_id,
      ignore: true,
    });
  }
  if (!issues.some((i) => i.domain === "telco")) {
    throw new Error("no telco repair: the simulator's expiring Zadarma number should raise one");
  }
}

/** Open the config flow's first step (the operator menu) from the integrations page. */
async function startConfigFlow(ui) {
  await ui.go("/config/integrations/dashboard/add?domain=telco", 1500);
  const ok = ui.page.getByRole("button", { name: await ui.localize("ui.common.ok"), exact: true });
  if (await ok.isVisible({ timeout: 5000 }).catch(() => false)) await ok.click();
  await ui.page.getByText("Odorik.cz", { exact: true }).waitFor();
  await ui.page.waitForTimeout(800);
}

const SHOTS = {
  "config-flow-operator": async (ui) => {
    await startConfigFlow(ui);
  },
  "config-flow-credentials": async (ui) => {
    await startConfigFlow(ui);
    await ui.page.getByText("Odorik.cz", { exact: true }).click();
    await ui.page.locator('input[name="username"]').waitFor();
    await ui.page.locator('input[name="username"]').fill("1234567");
    await ui.page.waitForTimeout(800);
  },
  options: async (ui) => {
    await ui.go("/config/integrations/integration/telco");
    const configure = await ui.localize("ui.panel.config.integrations.config_entry.configure");
    await ui.page.getByRole("button", { name: configure }).first().click();
    await ui.page.locator('input[name="sms_recipient"]').waitFor();
    await ui.page.waitForTimeout(800);
  },
  "device-account": async (ui, found) => {
    await ui.go(`/config/devices/device/${found.odorikAccount.id}`);
  },
  "device-sim": async (ui, found) => {
    await ui.go(`/config/devices/device/${found.sim.id}`);
  },
  "device-zadarma": async (ui, found) => {
    await ui.go(`/config/devices/device/${found.zadarmaAccount.id}`);
  },
  dashboard: async (ui) => {
    await ui.go("/telco-demo/telco", 4000);
  },
  "action-response": async (ui, found) => {
    await ui.page.evaluate((data) => {
      localStorage.setItem(
        "panel-dev-action-state-service-data",
        JSON.stringify({ action: "telco.get_routing", data }),
      );
      localStorage.setItem("panel-dev-action-state-yaml-mode", "true");
    }, { config_entry_id: found.odorik.entry_id, public_number: "+420 533 533 533" });
    await ui.go("/developer-tools/action");
    await ui.page.locator("tools-action .card-actions ha-progress-button").first().click();
    const response = ui.page.locator("tools-action ha-card").last();
    await ui.page.getByText("public_numbers").first().waitFor();
    await response.evaluate((card) => card.scrollIntoView({ block: "end" }));
    // Up a little, so that the request's first line (the action) shows above the response.
    await ui.page.mouse.move(760, 500);
    await ui.page.mouse.wheel(0, -45);
    await ui.page.waitForTimeout(800);
  },
  repairs: async (ui) => {
    await ignoreForeignRepairs(ui);
    await ui.go("/config/repairs");
  },
  "repair-fix": async (ui) => {
    await ignoreForeignRepairs(ui);
    await ui.go("/config/repairs");
    await ui.page.locator("ha-config-repairs ha-list-item-button").filter({ hasText: "+44" }).first().click();
    await ui.page.locator("dialog-data-entry-flow step-flow-form").first().waitFor();
    await ui.page.waitForTimeout(1500);
  },
};

async function main() {
  const args = options();
  mkdirSync(args.out, { recursive: true });
  const tokens = await signIn(args.ha);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  try {
    const ui = await openPage(browser, args.ha, tokens);
    const current = await ui.ws({ type: "frontend/get_user_data", key: "language" });
    if ((current.value?.language || "en") !== args.language) {
      await useLanguage(ui, args.language);
      await ui.page.waitForTimeout(3000);
    }
    const found = await inventory(ui);
    await ignoreForeignRepairs(ui);
    await makeCalls(ui, args.simulator, found);
    await saveDashboard(ui, found, args.language);
    const suffix = args.language === "en" ? "" : `-${args.language}`;
    for (const [name, prepare] of Object.entries(SHOTS)) {
      if (args.only && !args.only.includes(name)) continue;
      await ignoreForeignRepairs(ui);
      await prepare(ui, found);
      const path = join(args.out, `${name}${suffix}.png`);
      await ui.page.screenshot({ path });
      console.log(`screenshots: ${path}`);
      await ui.page.keyboard.press("Escape");
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`screenshots: ${error.stack || error}`);
  process.exit(1);
});
