"""Name and text pools for the demo data generator."""

from __future__ import annotations

# (pinyin, hanzi)
CN_SURNAMES = (
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
    ("Huang", "黄"), ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"), ("Xu", "徐"), ("Sun", "孙"),
    ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"), ("Guo", "郭"), ("He", "何"), ("Lin", "林"),
    ("Gao", "高"), ("Luo", "罗"),
)  # fmt: skip
CN_GIVEN = (
    ("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"), ("Li", "丽"),
    ("Qiang", "强"), ("Lei", "磊"), ("Jun", "军"), ("Yang", "洋"), ("Yong", "勇"), ("Yan", "艳"),
    ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"), ("Xiulan", "秀兰"), ("Xia", "霞"),
    ("Ping", "平"), ("Gang", "刚"), ("Hui", "慧"), ("Yu", "宇"), ("Hao", "浩"), ("Xin", "欣"),
)  # fmt: skip
EN_FIRST = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Emily", "Mark", "Olivia",
)  # fmt: skip
EN_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King",
)  # fmt: skip
ORG_WORDS = (
    "Golden Dragon", "Harbor", "Pacific", "Jade Garden", "Summit", "Lotus", "Evergreen", "Red Lantern",
    "Bayview", "Silk Road", "Northstar", "Bamboo House",
)  # fmt: skip
ORG_SUFFIXES = ("Catering", "Trading Co.", "Group", "Restaurants", "Hotels", "Events Ltd")
US_AREA_CODES = (
    "212",
    "213",
    "310",
    "312",
    "305",
    "415",
    "510",
    "617",
    "646",
    "650",
    "702",
    "206",
    "512",
    "718",
)
CN_MOBILE_PREFIXES = ("130", "131", "135", "136", "138", "139", "150", "158", "186", "188")
SPECIAL_NOTES = (
    ("diet", "Vegetarian, no eggs"),
    ("diet", "Gluten intolerant"),
    ("diet", "Allergic to shellfish"),
    ("religion", "Halal meals only"),
    ("religion", "No beef (Hindu)"),
    ("complaint", "Complained about a cold soup last visit"),
    ("accessibility", "Wheelchair user: ground-floor table"),
    ("preference", "Prefers a window table and Mandarin-speaking staff"),
    ("preference", "Call only after 6 pm"),
)  # fmt: skip
DISPOSITIONS = ("order", "booking", "enquiry", "complaint", "no-answer", "callback")
OUTCOMES = ("answered", "answered", "answered", "answered", "abandoned", "voicemail", "missed")
QUEUES = ("sales", "support", "vip", "reservations")
TICKET_SUBJECTS = {
    "complaint": ("Late delivery", "Wrong dish delivered", "Rude staff", "Overcharged"),
    "service_request": ("Change booking", "Private room for 20", "Invoice copy", "Update address"),
    "enquiry": ("Opening hours", "Menu allergens", "Gift cards", "Parking"),
}
ARTICLES = (
    ("Refund policy", "Refunds are issued to the original payment method within 5 business days."),
    ("Allergen information", "Every dish lists peanuts, shellfish, gluten, dairy and egg allergens."),
    ("Booking a private room", "Private rooms seat 8 to 30 guests; a deposit secures the booking."),
    ("Delivery areas and times", "We deliver within 10 km between 11:00 and 22:00; late delivery refunds."),
    ("Loyalty points", "Earn one point per dollar; redeem 100 points for a 5 dollar voucher."),
    ("Opening hours", "Open every day 11:00-23:00; holidays may differ, check the website."),
    ("Gift cards", "Gift cards never expire and can be used for delivery and dine-in."),
    ("Halal and vegetarian menus", "Halal and vegetarian menus are available at every branch on request."),
    ("Complaints procedure", "Apologise, log a complaint ticket, offer a voucher, escalate to the manager."),
    ("Kung Pao chicken recipe notes", "Kung Pao chicken contains peanuts; offer the cashew-free variant."),
)  # fmt: skip
CITIES = (
    ("San Francisco", "CA", "Grant Ave"), ("New York", "NY", "Mott St"), ("Los Angeles", "CA", "Broadway"),
    ("Seattle", "WA", "King St"), ("Boston", "MA", "Beach St"), ("Chicago", "IL", "Wentworth Ave"),
)  # fmt: skip
