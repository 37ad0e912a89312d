// Labels in English and Hindi. Field staff switch with the button in the header; the
// choice is kept in localStorage (it is not a secret, unlike the key). What the records
// say (names, districts) and the analysis's own sentences (a contractor's reasons) are
// shown as they come; the fixed vocabularies of the field-records format (reasons for a
// trip, sectors, ILO indicators, services...) are translated here.

const EN = {
  appName: "LMT",
  appTitle: "Migrant journeys",
  skip: "Skip to content",
  switchTo: "हिन्दी",
  switchLabel: "भाषा बदलें: हिन्दी",
  signIn: "Sign in",
  signOut: "Sign out",
  apiKey: "API key",
  apiKeyHelp:
    "Paste the key your administrator gave you. It is kept only in this browser tab and forgotten when the tab is closed.",
  signInIntro: "Worker journeys, contractor networks and seasonal calendars for field teams and advocacy staff.",
  badKey: "That key is not valid or was revoked.",
  sessionEnded: "Your key no longer works. Please sign in again.",
  role: "Role",
  "role.field": "Field team",
  "role.researcher": "Researcher",
  "role.advocacy": "Advocacy",
  "role.admin": "Administrator",
  mainNav: "Main",
  navSearch: "Find a worker",
  navContractors: "Contractors",
  navCalendar: "Calendar",
  loading: "Loading…",
  more: "Show more",
  retry: "Try again",
  // problems
  forbidden: "Your key's role ({role}) may not see this.",
  forbiddenHelp: "If your work needs it, ask your administrator for a key with another role.",
  serviceSaid: "The service said: {detail}",
  notFound: "Not found.",
  offline: "The service could not be reached. Check your connection and try again.",
  notReady: "This is not computed yet. Try again in a minute.",
  badRequest: "The service could not use what was asked.",
  failed: "Something went wrong ({status}).",
  // search
  searchTitle: "Find a worker",
  searchLabel: "Name, worker id, phone or e-Shram number",
  searchLabelPseudonym: "Pseudonym",
  searchHint: "Spelling variants are fine (Mohd / Mohammad).",
  researcherHint:
    "Researcher keys find workers by pseudonym only; names, phones and e-Shram numbers stay hidden.",
  searchButton: "Search",
  found: "{n} found",
  noneFound: "No worker found.",
  circuitSample: "Some workers with seasonal circuits",
  matchedBy: "matched by {how}",
  "matched.worker_id": "worker id",
  "matched.phone": "phone",
  "matched.eshram_uan": "e-Shram number",
  "matched.name": "name",
  "matched.pseudonym": "pseudonym",
  // worker
  worker: "Worker",
  pseudonymNote:
    "Shown under your project's pseudonym: no name, phone or e-Shram number; months, not days; details that could single the worker out are coarsened.",
  born: "Born",
  gender: "Gender",
  phone: "Phone",
  eshram: "e-Shram",
  home: "Home",
  homeState: "Home state",
  glassTitle: "This worker is not among your organisation's workers.",
  glassHelp:
    "If you must read their records now (an emergency, a case handed over), give your reason: you will see this worker for 3 hours, and the reason and every read are kept in the audit for administrators.",
  glassReason: "Your reason",
  glassButton: "Break the glass and open",
  village: "Village",
  household: "Household",
  registered: "Registered",
  journey: "Journey",
  journeyHelp: "Places in order, with the days spent in each.",
  days: "{n} days",
  day: "1 day",
  daysUnknown: "days unknown",
  stillThere: "still there",
  homePlace: "home",
  arrivalEstimated: "arrival date estimated",
  noTrips: "No trips recorded.",
  timeline: "Timeline",
  timelineHelp: "Every record of this worker, oldest first.",
  showKinds: "Show",
  events: "{n} events",
  noEvents: "No events recorded.",
  "kind.registration": "Registration",
  "kind.move": "Trip",
  "kind.employment": "Job",
  "kind.contractor": "Contractor",
  "kind.grievance": "Grievance",
  "kind.service": "Service",
  left: "Left",
  arrived: "Arrived",
  reason: "Reason",
  employer: "Employer",
  contractor: "Contractor",
  sector: "Sector",
  place: "Place",
  from: "From",
  until: "Until",
  ongoing: "ongoing",
  wage: "Daily wage",
  advance: "Advance",
  against: "Against",
  happened: "Happened",
  reportedOn: "Reported",
  amount: "Amount",
  status: "Status",
  centre: "Centre",
  outcome: "Outcome",
  reportedBy: "Reported by",
  records: "Records",
  // contractors
  contractorsTitle: "Contractors by risk",
  contractorsHelp: "Highest risk first. Open one to see its chains.",
  openById: "Open a contractor by id",
  contractorId: "Contractor id",
  open: "Open",
  risk: "Risk",
  flagged: "Flagged",
  notFlagged: "Not flagged",
  workersPlaced: "Workers placed",
  workers: "Workers",
  fewerThan5: "fewer than 5",
  licensed: "Licensed",
  yes: "yes",
  unlicensed: "No licence on record",
  reasons: "Reasons",
  reasonsInEnglish: "The analysis writes its reasons in English.",
  networkTitle: "Network of {name}",
  networkHelp:
    "Principal employers at the top, recruiters at the bottom; arrows point to whom each contractor supplies workers. Select a box for details.",
  networkLabel: "Chains of {name}",
  noChains: "No chains recorded for this contractor.",
  openNetwork: "Open this contractor's network",
  truncated: "Only part of the network is shown: it has more chains than the service sends.",
  "memberKind.contractor": "Contractor",
  "memberKind.employer": "Principal employer",
  legend: "Key",
  thisContractor: "this contractor",
  details: "Details",
  // calendar
  calendarTitle: "Seasonal calendar",
  calendarHelp:
    "Round trips of seasonal circuits leaving and coming back in each month, on the busiest corridors.",
  departures: "Departures",
  returns: "Returns",
  month: "Month",
  workersOnCorridor: "{n} workers",
  showNumbers: "Numbers by month",
  mostDepartures: "Most leave in",
  mostReturns: "Most come back in",
  hiddenBelow5: "Counts of 1 to 4 are hidden for your role (shown as ·).",
  corridorsShown: "{shown} of {total} corridors",
  noCorridors: "No seasonal circuits found yet.",
  // journeys (researchers)
  navJourneys: "Journeys",
  journeysTitle: "Journeys of a cohort",
  journeysHelp: "Choose who to follow; persons are shown under pseudonyms, trips by month and district.",
  cohort: "Cohort",
  anyValue: "any",
  originState: "From (state)",
  destinationState: "To (state)",
  birthBand: "Born",
  hasCircuit: "Seasonal circuit",
  withCircuit: "has one",
  withoutCircuit: "has none",
  fromMonth: "From month",
  toMonth: "To month",
  typesWanted: "Types",
  showCohort: "Show",
  inNumbers: "In numbers",
  persons: "Persons",
  journeysCount: "Journeys",
  returnRate: "Came back",
  medianMonthsAway: "Median months away",
  personsWithCircuit: "With a seasonal circuit",
  chronogramTitle: "Where they were, month by month",
  chronogramHelp: "Share of the cohort at home, away (by sector) or unknown in each month.",
  stateUnknown: "unknown",
  stateHome: "at home",
  awayIn: "away: {sector}",
  typesTitle: "Types of trajectory",
  typeN: "Type {n} ({share})",
  typicalPattern: "Typical pattern, month by month from the first departure",
  personsTitle: "Persons",
  personsShown: "{shown} of {total} persons",
  noPersons: "No persons to show (none, or fewer than 5).",
  hiddenBelow5Plain: "Counts of 1 to 4 are hidden for your role.",
  "col.person": "Person",
  "col.person_id": "Person",
  "col.gender": "Gender",
  "col.birth_band": "Born",
  "col.origin_district": "From",
  "col.journeys": "Journeys",
  "col.months_away": "Months away",
  "col.return_rate": "Came back",
};

const HI = {
  appName: "LMT",
  appTitle: "प्रवासी सफ़र",
  skip: "सामग्री पर जाएँ",
  switchTo: "English",
  switchLabel: "Switch language: English",
  signIn: "साइन इन करें",
  signOut: "साइन आउट",
  apiKey: "API कुंजी",
  apiKeyHelp:
    "अपने व्यवस्थापक से मिली कुंजी यहाँ चिपकाएँ। यह केवल इस ब्राउज़र टैब में रहती है और टैब बंद होते ही मिट जाती है।",
  signInIntro: "फ़ील्ड टीमों और पैरवी कर्मियों के लिए कामगारों के सफ़र, ठेकेदारों के नेटवर्क और मौसमी कैलेंडर।",
  badKey: "यह कुंजी मान्य नहीं है या रद्द कर दी गई है।",
  sessionEnded: "आपकी कुंजी अब काम नहीं करती। कृपया फिर से साइन इन करें।",
  role: "भूमिका",
  "role.field": "फ़ील्ड टीम",
  "role.researcher": "शोधकर्ता",
  "role.advocacy": "पैरवी",
  "role.admin": "व्यवस्थापक",
  mainNav: "मुख्य",
  navSearch: "कामगार खोजें",
  navContractors: "ठेकेदार",
  navCalendar: "कैलेंडर",
  loading: "लोड हो रहा है…",
  more: "और दिखाएँ",
  retry: "फिर कोशिश करें",
  forbidden: "आपकी कुंजी की भूमिका ({role}) को यह देखने की अनुमति नहीं है।",
  forbiddenHelp: "अगर आपके काम के लिए ज़रूरी हो, तो व्यवस्थापक से दूसरी भूमिका की कुंजी माँगें।",
  serviceSaid: "सेवा का संदेश: {detail}",
  notFound: "नहीं मिला।",
  offline: "सेवा से संपर्क नहीं हो सका। अपना कनेक्शन जाँचें और फिर कोशिश करें।",
  notReady: "इसकी गणना अभी नहीं हुई है। एक मिनट बाद फिर कोशिश करें।",
  badRequest: "सेवा इस अनुरोध का उपयोग नहीं कर सकी।",
  failed: "कुछ गड़बड़ हुई ({status})।",
  searchTitle: "कामगार खोजें",
  searchLabel: "नाम, कामगार आईडी, फ़ोन या ई-श्रम नंबर",
  searchLabelPseudonym: "छद्म नाम",
  searchHint: "वर्तनी के रूप चलेंगे (Mohd / Mohammad)।",
  researcherHint:
    "शोधकर्ता कुंजी से कामगार केवल छद्म नाम से खोजे जा सकते हैं; नाम, फ़ोन और ई-श्रम नंबर छिपे रहते हैं।",
  searchButton: "खोजें",
  found: "{n} मिले",
  noneFound: "कोई कामगार नहीं मिला।",
  circuitSample: "मौसमी चक्र वाले कुछ कामगार",
  matchedBy: "{how} से मिला",
  "matched.worker_id": "कामगार आईडी",
  "matched.phone": "फ़ोन",
  "matched.eshram_uan": "ई-श्रम नंबर",
  "matched.name": "नाम",
  "matched.pseudonym": "छद्म नाम",
  worker: "कामगार",
  pseudonymNote:
    "आपकी परियोजना के छद्म नाम से दिखाया गया: कोई नाम, फ़ोन या ई-श्रम नंबर नहीं; दिन नहीं, महीने; पहचान करा सकने वाले ब्योरे मोटे किए गए हैं।",
  born: "जन्म",
  gender: "लिंग",
  phone: "फ़ोन",
  eshram: "ई-श्रम",
  home: "घर",
  homeState: "गृह राज्य",
  glassTitle: "यह कामगार आपकी संस्था के कामगारों में नहीं है।",
  glassHelp:
    "अगर अभी इनके रिकॉर्ड देखना ज़रूरी है (कोई आपात स्थिति, सौंपा गया मामला), तो अपना कारण लिखें: आप इस कामगार को 3 घंटे देख सकेंगे, और कारण व हर बार देखना व्यवस्थापकों के लिए ऑडिट में दर्ज रहेगा।",
  glassReason: "आपका कारण",
  glassButton: "शीशा तोड़ें और खोलें",
  village: "गाँव",
  household: "परिवार",
  registered: "पंजीकरण",
  journey: "सफ़र",
  journeyHelp: "क्रम से जगहें, और हर जगह बिताए दिन।",
  days: "{n} दिन",
  day: "1 दिन",
  daysUnknown: "दिन अज्ञात",
  stillThere: "अभी वहीं",
  homePlace: "घर",
  arrivalEstimated: "पहुँचने की तारीख़ अनुमानित",
  noTrips: "कोई यात्रा दर्ज नहीं।",
  timeline: "समयरेखा",
  timelineHelp: "इस कामगार का हर रिकॉर्ड, सबसे पुराना पहले।",
  showKinds: "दिखाएँ",
  events: "{n} घटनाएँ",
  noEvents: "कोई घटना दर्ज नहीं।",
  "kind.registration": "पंजीकरण",
  "kind.move": "यात्रा",
  "kind.employment": "काम",
  "kind.contractor": "ठेकेदार",
  "kind.grievance": "शिकायत",
  "kind.service": "सेवा",
  left: "रवाना",
  arrived: "पहुँचे",
  reason: "कारण",
  employer: "नियोक्ता",
  contractor: "ठेकेदार",
  sector: "क्षेत्र",
  place: "जगह",
  from: "से",
  until: "तक",
  ongoing: "जारी",
  wage: "दैनिक मज़दूरी",
  advance: "अग्रिम",
  against: "किसके ख़िलाफ़",
  happened: "घटना की तारीख़",
  reportedOn: "दर्ज",
  amount: "राशि",
  status: "स्थिति",
  centre: "केंद्र",
  outcome: "परिणाम",
  reportedBy: "सूचना का स्रोत",
  records: "रिकॉर्ड",
  contractorsTitle: "जोखिम के क्रम में ठेकेदार",
  contractorsHelp: "सबसे ज़्यादा जोखिम पहले। उसकी श्रृंखलाएँ देखने के लिए खोलें।",
  openById: "आईडी से ठेकेदार खोलें",
  contractorId: "ठेकेदार आईडी",
  open: "खोलें",
  risk: "जोखिम",
  flagged: "चिह्नित",
  notFlagged: "चिह्नित नहीं",
  workersPlaced: "लगाए गए कामगार",
  workers: "कामगार",
  fewerThan5: "5 से कम",
  licensed: "लाइसेंसधारी",
  yes: "हाँ",
  unlicensed: "लाइसेंस दर्ज नहीं",
  reasons: "कारण",
  reasonsInEnglish: "विश्लेषण अपने कारण अंग्रेज़ी में लिखता है।",
  networkTitle: "{name} का नेटवर्क",
  networkHelp:
    "ऊपर मुख्य नियोक्ता, नीचे भर्ती करने वाले; तीर दिखाते हैं कि हर ठेकेदार किसे कामगार देता है। विवरण के लिए कोई बॉक्स चुनें।",
  networkLabel: "{name} की श्रृंखलाएँ",
  noChains: "इस ठेकेदार की कोई श्रृंखला दर्ज नहीं।",
  openNetwork: "इस ठेकेदार का नेटवर्क खोलें",
  truncated: "नेटवर्क का केवल एक हिस्सा दिखाया गया है: इसकी श्रृंखलाएँ सेवा की सीमा से ज़्यादा हैं।",
  "memberKind.contractor": "ठेकेदार",
  "memberKind.employer": "मुख्य नियोक्ता",
  legend: "संकेत",
  thisContractor: "यह ठेकेदार",
  details: "विवरण",
  calendarTitle: "मौसमी कैलेंडर",
  calendarHelp: "सबसे व्यस्त मार्गों पर हर महीने निकलने और लौटने वाली मौसमी यात्राएँ।",
  departures: "रवानगी",
  returns: "वापसी",
  month: "महीना",
  workersOnCorridor: "{n} कामगार",
  showNumbers: "महीनेवार संख्याएँ",
  mostDepartures: "सबसे ज़्यादा रवानगी",
  mostReturns: "सबसे ज़्यादा वापसी",
  hiddenBelow5: "आपकी भूमिका के लिए 1 से 4 तक की संख्याएँ छिपी हैं (· से दिखाई गईं)।",
  corridorsShown: "{total} में से {shown} मार्ग",
  noCorridors: "अभी कोई मौसमी चक्र नहीं मिला।",
  // journeys (researchers)
  navJourneys: "सफ़र",
  journeysTitle: "एक समूह के सफ़र",
  journeysHelp: "चुनें किसे देखना है; लोग छद्म नामों से दिखते हैं, यात्राएँ महीने और ज़िले से।",
  cohort: "समूह",
  anyValue: "कोई भी",
  originState: "कहाँ से (राज्य)",
  destinationState: "कहाँ तक (राज्य)",
  birthBand: "जन्म",
  hasCircuit: "मौसमी चक्र",
  withCircuit: "है",
  withoutCircuit: "नहीं है",
  fromMonth: "किस महीने से",
  toMonth: "किस महीने तक",
  typesWanted: "प्रकार",
  showCohort: "दिखाएँ",
  inNumbers: "संख्याओं में",
  persons: "लोग",
  journeysCount: "सफ़र",
  returnRate: "वापस आए",
  medianMonthsAway: "बाहर रहने के महीने (माध्यिका)",
  personsWithCircuit: "मौसमी चक्र वाले",
  chronogramTitle: "हर महीने वे कहाँ थे",
  chronogramHelp: "हर महीने समूह का कितना हिस्सा घर पर, बाहर (क्षेत्र अनुसार) या अज्ञात था।",
  stateUnknown: "अज्ञात",
  stateHome: "घर पर",
  awayIn: "बाहर: {sector}",
  typesTitle: "सफ़र के प्रकार",
  typeN: "प्रकार {n} ({share})",
  typicalPattern: "पहली रवानगी से हर महीने का आम ढर्रा",
  personsTitle: "लोग",
  personsShown: "{total} में से {shown} लोग",
  noPersons: "दिखाने को कोई नहीं (कोई नहीं, या 5 से कम)।",
  hiddenBelow5Plain: "आपकी भूमिका के लिए 1 से 4 तक की संख्याएँ छिपी हैं।",
  "col.person": "व्यक्ति",
  "col.person_id": "व्यक्ति",
  "col.gender": "लिंग",
  "col.birth_band": "जन्म",
  "col.origin_district": "कहाँ से",
  "col.journeys": "सफ़र",
  "col.months_away": "बाहर महीने",
  "col.return_rate": "वापस आए",
};

// The field-records format's fixed vocabularies (../shared/spec/field-records.md).
const VOCAB_HI = {
  reason: { work: "काम", return_home: "घर वापसी", work_change: "काम बदलना", distress: "संकट", other: "अन्य" },
  sector: {
    construction: "निर्माण",
    brick_kiln: "ईंट भट्ठा",
    agriculture: "खेती",
    textile_garment: "कपड़ा और परिधान",
    manufacturing: "विनिर्माण",
    domestic_work: "घरेलू काम",
    hospitality: "होटल और आतिथ्य",
    fishing: "मछली पकड़ना",
    mining: "खनन",
    other: "अन्य",
  },
  source: {
    self_report: "स्वयं बताया",
    source_centre: "मूल केंद्र",
    transit_point: "रास्ते का केंद्र",
    destination_centre: "गंतव्य केंद्र",
    helpline: "हेल्पलाइन",
  },
  indicator: {
    abuse_of_vulnerability: "कमज़ोरी का दुरुपयोग",
    deception: "धोखा",
    restriction_of_movement: "आवाजाही पर रोक",
    isolation: "अलग-थलग रखना",
    physical_sexual_violence: "शारीरिक या यौन हिंसा",
    intimidation_threats: "डराना-धमकाना",
    retention_of_identity_documents: "पहचान पत्र रख लेना",
    withholding_of_wages: "मज़दूरी रोकना",
    debt_bondage: "क़र्ज़ बंधुआ मज़दूरी",
    abusive_working_living_conditions: "काम और रहने की अपमानजनक स्थितियाँ",
    excessive_overtime: "अत्यधिक ओवरटाइम",
  },
  status: { open: "खुली", resolved: "सुलझी", referred: "आगे भेजी गई" },
  service: {
    eshram_registration: "ई-श्रम पंजीकरण",
    ration_card_portability: "राशन कार्ड पोर्टेबिलिटी",
    bocw_registration: "निर्माण श्रमिक (BOCW) पंजीकरण",
    bank_account: "बैंक खाता",
    health_insurance: "स्वास्थ्य बीमा",
    legal_aid: "क़ानूनी सहायता",
    skills_training: "कौशल प्रशिक्षण",
    other: "अन्य",
  },
  outcome: { applied: "आवेदन किया", received: "मिला", rejected: "अस्वीकृत" },
  gender: { male: "पुरुष", female: "महिला", other: "अन्य" },
  against: { contractor: "ठेकेदार", employer: "नियोक्ता" },
};
const VOCAB_EN = {
  service: { eshram_registration: "e-Shram registration", bocw_registration: "BOCW registration" },
};

const DICTS = { en: EN, hi: HI };
const STORE = "lmt.lang";
let lang = pick();

function pick() {
  const saved = localStorage.getItem(STORE);
  if (saved && saved in DICTS) return saved;
  return (navigator.language || "").toLowerCase().startsWith("hi") ? "hi" : "en";
}

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next in DICTS ? next : "en";
  localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang;
}

/** The label ``key`` in the current language, with {name} placeholders filled in. */
export function t(key, vars = {}) {
  const text = DICTS[lang][key] ?? EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** A value of one of the format's vocabularies ("brick_kiln") in words. */
export function vocab(group, value) {
  if (value === null || value === undefined || value === "") return "";
  const table = lang === "hi" ? VOCAB_HI : VOCAB_EN;
  return table[group]?.[value] ?? String(value).replaceAll("_", " ");
}

const locale = () => (lang === "hi" ? "hi-IN" : "en-IN");

/** "2018-02-17" -> "17 Feb 2018" (or "17 फ़र॰ 2018"); dates are days, read in UTC. */
export function formatDate(iso) {
  if (!iso) return "";
  const text = String(iso);
  if (/^\d{4}$/.test(text)) return text; // a year (what researchers see of a registration)
  const month = /^\d{4}-\d{2}$/.test(text); // researchers see months, not days
  const date = new Date(`${month ? `${text}-01` : text}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return text;
  return new Intl.DateTimeFormat(locale(), {
    ...(month ? {} : { day: "numeric" }),
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** Month 1-12 as a name ("short" or "long"). */
export function monthName(month, style = "short") {
  return new Intl.DateTimeFormat(locale(), { month: style, timeZone: "UTC" }).format(
    new Date(Date.UTC(2001, month - 1, 1)),
  );
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(locale(), options).format(value);
}

export function rupees(value) {
  return formatNumber(value, { style: "currency", currency: "INR", maximumFractionDigits: 0 });
}

export function daysText(n) {
  return n === 1 ? t("day") : t("days", { n: formatNumber(n) });
}
