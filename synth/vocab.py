"""Words the synthetic batch is written with: names, villages, firms, organisations.

Everything here is invented or common; nothing names a real person or firm. Surnames follow
the origin state, as they do in field records, so that a household reads as plausible.
"""

from __future__ import annotations

# fmt: off
SOURCE_STATES: dict[str, tuple[str, ...]] = {
    "Uttar Pradesh": (
        "Yadav", "Patel", "Maurya", "Pasi", "Nishad", "Kushwaha", "Jatav", "Rawat", "Chauhan",
        "Ansari", "Pal", "Lodhi", "Verma", "Prajapati", "Kashyap", "Bind", "Rajbhar", "Sonkar",
        "Khan",
    ),
    "Bihar": (
        "Ram", "Paswan", "Sah", "Mahto", "Manjhi", "Kumar", "Yadav", "Ansari", "Mandal", "Rajak",
        "Chaudhary", "Thakur", "Singh", "Sahni", "Ravidas",
    ),
    "West Bengal": (
        "Das", "Roy", "Mondal", "Sardar", "Sheikh", "Bag", "Pal", "Mahato", "Ghosh", "Biswas",
        "Haldar", "Mollah", "Barman", "Bauri",
    ),
    "Madhya Pradesh": (
        "Gond", "Bhil", "Bhilala", "Patel", "Ahirwar", "Lodhi", "Markam", "Uikey", "Barela",
        "Kol", "Baiga", "Yadav", "Kushwaha",
    ),
    "Rajasthan": (
        "Meghwal", "Meena", "Bairwa", "Gurjar", "Jat", "Bhil", "Garasia", "Regar", "Kumawat",
        "Saini", "Mali", "Khan",
    ),
    "Odisha": (
        "Naik", "Behera", "Sahu", "Munda", "Majhi", "Pradhan", "Sethi", "Nayak", "Bhoi", "Rout",
        "Gouda", "Harijan",
    ),
    "Chhattisgarh": (
        "Sahu", "Dhruw", "Netam", "Kanwar", "Yadav", "Markam", "Patel", "Nishad", "Sori",
        "Mandavi", "Kashyap",
    ),
    "Jharkhand": (
        "Munda", "Oraon", "Soren", "Hembrom", "Mahato", "Ekka", "Tudu", "Kisku", "Lohra",
        "Bhuiyan", "Minz", "Tirkey", "Murmu",
    ),
}
"""The eight large source states of the sample, each with surnames common there."""

MALE_NAMES = (
    "Ramesh", "Suresh", "Mahesh", "Rajesh", "Dinesh", "Mukesh", "Jitendra", "Imran", "Ashok",
    "Pintu", "Lakhan", "Bablu", "Guddu", "Mohan", "Nandlal", "Bhim", "Hari", "Sukhdev",
    "Mangra", "Tapan", "Karan", "Bhola", "Raju", "Sudam", "Ravi", "Hemant", "Sunil", "Budhu",
    "Brijesh", "Ganesh", "Bhagwan", "Arjun", "Munna", "Sanjay", "Kamlesh", "Dharmendra", "Sonu",
    "Salim", "Anil", "Vijay", "Santosh", "Manoj", "Pappu", "Shankar", "Birsa", "Somra",
    "Budhram", "Jagdish", "Prakash", "Deepak", "Rakesh", "Mohd Irfan", "Mohammad Aslam",
    "Rahul", "Vikas", "Amit", "Dilip", "Gopal", "Kishore", "Naresh", "Umesh", "Harilal",
    "Chhotelal", "Ramkishan", "Shyam", "Bihari", "Sohan", "Mithun", "Bapi", "Sujit", "Tarun",
    "Biplab", "Subrata", "Haripada", "Niranjan", "Bhagirathi", "Prafulla", "Sibu", "Jhagru",
    "Ramu", "Karma", "Sukra", "Mangal", "Budhan", "Mohd Salim", "Md Rafiq",
)
FEMALE_NAMES = (
    "Somari", "Sukhmani", "Phulmani", "Sunita", "Anita", "Rekha", "Kamla", "Shanti", "Geeta",
    "Sita", "Laxmi", "Parvati", "Radha", "Savitri", "Meena", "Pushpa", "Rina", "Mamta", "Sarita",
    "Kiran", "Babita", "Poonam", "Salma", "Rubina", "Asha", "Basanti", "Jayanti", "Malati",
    "Sabita", "Champa", "Budhni", "Fulmani", "Saraswati", "Kumari", "Kumary", "Nirmala",
    "Urmila", "Lalita", "Rupa", "Sangita", "Jyoti",
)

VILLAGE_HEADS = (
    "Bargad", "Kendu", "Ram", "Mahu", "Pipra", "Kurum", "Karma", "Sem", "Jam", "Amba", "Bel",
    "Khajuri", "Sita", "Lakhan", "Mohan", "Bhawani", "Chandan", "Dhan", "Gopal", "Har", "Kusum",
    "Palas", "Saraswati", "Bamhan", "Chhota", "Bada", "Nawa", "Purana", "Madhu", "Sal",
)
VILLAGE_TAILS = (
    "pur", "bari", "ganj", "dih", "pali", "para", "guda", "sar", "tola", "nagar", "khera",
    "garh", "pura", "kheri", "bandh", "tand", "hat", "gaon", "wadi",
)
VILLAGES = tuple(head + tail for head in VILLAGE_HEADS for tail in VILLAGE_TAILS)

ORGANISATIONS = (
    "District Labour Office", "Setu Migration Forum", "Shramik Sahayog Trust",
    "Jan Adhikar Manch", "Disha Gramin Vikas Samiti", "Pravasi Mitra Sangathan",
)
"""Organisations that run source and destination centres."""

TRANSIT_POINTS = (
    ("New Delhi", 94), ("Mumbai CSMT", 519), ("Howrah", 341), ("Patna", 230),
    ("Pt. Deen Dayal Upadhyaya", 196), ("Dhanbad", 354), ("Prayagraj", 175), ("Surat", 492),
    ("Nagpur", 505), ("Itarsi", 449), ("Vijayawada", 547), ("Bhubaneswar", 386),
)
"""Railway stations with a migrant help desk, and the district each lies in."""
STATION_CODES = (
    "NDLS", "CSMT", "HWH", "PNBE", "DDU", "DHN", "PRYJ", "ST", "NGP", "ET", "BZA", "BBS",
)
"""The stations' codes, in the order of ``TRANSIT_POINTS`` (a help desk's ids start with it)."""

HELPLINES = (
    ("HLP-1", "Shramik Helpline 1800 (toll free)", "helpline", 364, "State Migrant Workers Cell"),
    ("HLP-2", "Pravasi Sahayata Helpline", "helpline", 444, "Pravasi Mitra Sangathan"),
    ("CTL-1", "State Migrant Control Room", "control_room", 364, "State Migrant Workers Cell"),
)
"""Centres that take calls from anywhere: (centre_id, name, kind, district_code, organisation)."""

BRANDS = (
    "Maa Durga", "Apex", "Sunrise", "Jai Bajrang", "Shree Ganesh", "Sai", "Om", "Laxmi",
    "Balaji", "Shiv Shakti", "Modern", "National", "Golden", "Annapurna", "Krishna", "Narmada",
    "Ganga", "Himalaya", "Kaveri", "Royal", "Star", "Bharat", "New India", "Hindustan",
    "Vishwakarma", "Jai Mata Di", "Mahalaxmi", "Vinayak", "Shri Ram", "Radhe", "Guru Kripa",
    "Tirupati", "Pioneer", "Unity", "Sagar", "Kiran", "Deep", "Everest", "Pragati", "Utkal",
    "Kalinga", "Bhagwati", "Hanuman", "Navratna", "Surya", "Chandra", "Orient", "Prime",
)

EMPLOYER_FORMS: dict[str, tuple[str, ...]] = {
    "construction": (
        "{b} Constructions Pvt Ltd", "{b} Builders", "{b} Infra Projects",
        "{b} Builders, Phase 2", "{b} Realty", "{b} Buildcon",
    ),
    "brick_kiln": ("{b} Brick Field", "{b} Bhatta", "{b} Brick Works", "{b} Bricks, Kiln No. 2"),
    "agriculture": ("{s} Farms", "{b} Agro", "{b} Agro Farms", "{s} Fruit Orchards"),
    "textile_garment": ("{b} Textiles", "{b} Garments", "{b} Spinning Mills"),
    "manufacturing": ("{b} Plastics", "{b} Industries", "{b} Steel", "{b} Auto Parts"),
    "domestic_work": ("{b} Home Services", "{b} Placement Bureau"),
    "hospitality": ("Hotel {b}", "{b} Restaurant", "{b} Dhaba", "{b} Caterers"),
    "fishing": ("{b} Fisheries", "{b} Seafoods"),
    "mining": ("{b} Minerals", "{b} Stone Crusher", "{b} Mines"),
    "other": ("{b} Enterprises", "{b} Traders", "{b} Logistics"),
}
"""Employer names by sector: {b} a brand, {s} a surname."""

PERSON_CONTRACTOR_FORMS = (
    "{f} {s}", "{f} {s}", "{f} {s} Enterprises", "{f} {s} & Sons Labour Contractor",
    "{f} {s} Labour Supply",
)
FIRM_CONTRACTOR_FORMS = (
    "{s} Labour Supply", "{b} Manpower Agency", "{b} Labour Contractors & Services",
    "{b} Labour Supply Co.", "{b} Workforce Services",
)
# fmt: on
