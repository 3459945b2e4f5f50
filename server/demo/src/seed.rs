//! The demo: a few customer organizations and one person in every role, so a new
//! installation can be tried at once. Only ever written into an empty database.

use crate::data;
use crate::seed_orders::seed_orders;
use crate::seed_workshops::seed_workshops;
use rapport_core::db;
use rapport_core::sign_in::hash_password;
use rapport_types::{DisplayName, Email, OrganizationName, Password, Role};
use serde::Deserialize;
use sqlx::PgPool;
use std::sync::LazyLock;

/// The password of every demo account. Demo data only: `serve` never seeds.
pub const DEMO_PASSWORD: &str = "rapport-demo";

/// A demo account, as `data/accounts.toml` lists it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Customers' only: created where it first appears.
    pub organization: Option<String>,
}

/// The demo accounts, in the order they are created (`data/accounts.toml`).
pub static DEMO_ACCOUNTS: LazyLock<Vec<DemoAccount>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Accounts {
        account: Vec<DemoAccount>,
    }
    let file: Accounts = data::parse("accounts.toml", include_str!("../data/accounts.toml"));
    file.account
});

/// Seed the demo into an empty database. Returns false (and writes nothing)
/// when there are users already.
pub async fn seed_demo(pool: &PgPool) -> Result<bool, rapport_core::Error> {
    let mut tx = pool.begin().await?;
    // Serialise concurrent seeders; then check emptiness inside the transaction.
    sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        return Ok(false);
    }
    let password = Password::parse("password", DEMO_PASSWORD)?;
    let hash = hash_password(&password).await?;
    for account in DEMO_ACCOUNTS.iter() {
        let organization_id = match &account.organization {
            Some(name) => {
                let name = OrganizationName::parse("organization", name)?;
                Some(
                    match db::organizations::find_by_name(&mut *tx, &name).await? {
                        Some(id) => id,
                        None => db::organizations::create(&mut *tx, &name).await?,
                    },
                )
            }
            None => None,
        };
        db::users::create(
            &mut *tx,
            db::users::NewUser {
                email: &Email::parse("email", &account.email)?,
                display_name: &DisplayName::parse("name", &account.name)?,
                role: account.role,
                organization_id,
                password_hash: &hash,
            },
        )
        .await?;
    }
    seed_demo_cases(&mut tx).await?;
    seed_orders(&mut tx).await?;
    seed_workshops(&mut tx).await?;
    seed_knowledge_activity(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// Who works on the demo cases: Sam, and Ada helping out.
const AGENT: &str = "agent@rapport.example";
const ADMIN: &str = "admin@rapport.example";

/// The server's default RAPPORT_AUTO_CLOSE_DAYS (see `config`): solved demo
/// cases are younger, so the close job finds nothing to do when the server
/// first starts, and closed ones were closed this long after they were solved.
const AUTO_CLOSE_DAYS: i32 = 7;

/// Where a demo case stands, and when it got there, counted back from now.
#[derive(Clone, Copy)]
enum Stage {
    /// Still being worked on: its status (new, open, pending or on_hold) and
    /// how many days ago it was opened.
    Active(&'static str, i32),
    /// Solved `days_ago` days ago (fewer than the auto-close days), `hours`
    /// after it was opened.
    Solved { days_ago: i32, hours: i32 },
    /// Closed by the auto-close job `days_ago` days ago, a week after it was
    /// solved, which was `hours` after it was opened.
    Closed { days_ago: i32, hours: i32 },
}

impl Stage {
    fn status(self) -> &'static str {
        match self {
            Stage::Active(status, _) => status,
            Stage::Solved { .. } => "solved",
            Stage::Closed { .. } => "closed",
        }
    }
}

struct DemoCase {
    subject: &'static str,
    requester: &'static str,
    category: &'static str,
    priority: &'static str,
    stage: Stage,
    assignee: Option<&'static str>,
    description: &'static str,
    /// (author, internal note, body), in order. For solved and closed cases
    /// the last message is the answer that solved it.
    thread: &'static [(&'static str, bool, &'static str)],
    tags: &'static [&'static str],
    /// The requester's score (1 to 5) and comment.
    rating: Option<(i16, &'static str)>,
}

/// The demo cases the end-to-end and HTTP tests look for by subject: keep
/// their subjects, people, states and order (C-1001 is the export case).
const DEMO_CASES: &[DemoCase] = &[
    DemoCase {
        subject: "Cannot export the monthly report to CSV",
        requester: "nick@northwind.example",
        category: "Technical problem",
        priority: "high",
        stage: Stage::Active("open", 2),
        assignee: Some(AGENT),
        description: "When I click **Export → CSV** on the monthly report nothing happens. It worked last month.\n\nBrowser: Firefox 128.",
        thread: &[
            (AGENT, false, "Thanks Nick. Could you tell me roughly how many rows the report has? Very large exports run in the background."),
            ("nick@northwind.example", false, "About 40,000 rows."),
            (AGENT, true, "Reproduced with 40k rows: the export job times out. Raised with engineering."),
        ],
        tags: &["export", "reports"],
        rating: None,
    },
    DemoCase {
        subject: "Invoice shows the wrong VAT rate",
        requester: "olivia@northwind.example",
        category: "Invoices and payment",
        priority: "normal",
        stage: Stage::Active("pending", 5),
        assignee: Some(AGENT),
        description: "Our last invoice charges 20% VAT, but we are VAT-registered in Ireland and should be reverse-charged.",
        thread: &[(AGENT, false, "Hello Olivia, could you send us your VAT number so we can correct the invoice?")],
        tags: &["billing", "vat"],
        rating: None,
    },
    DemoCase {
        subject: "How do I invite a colleague?",
        requester: "ahmed@acme.example",
        category: "Getting started",
        priority: "low",
        stage: Stage::Solved { days_ago: 2, hours: 5 },
        assignee: Some(AGENT),
        description: "I would like my colleague to see our cases too. How do I add them?",
        thread: &[(AGENT, false, "Your organization's admin (Carla) can create an invitation link under **Organization → Invite a colleague**. The link works once, for 7 days.")],
        tags: &[],
        rating: Some((5, "Quick and clear, thank you!")),
    },
    DemoCase {
        subject: "Delivery of our last order is late",
        requester: "carla@acme.example",
        category: "Orders and delivery",
        priority: "high",
        stage: Stage::Active("new", 0),
        assignee: None,
        description: "The order we placed two weeks ago has still not arrived. The tracking page has not changed for five days.",
        thread: &[],
        tags: &["delivery"],
        rating: None,
    },
    DemoCase {
        subject: "Password reset e-mail never arrives",
        requester: "greta@globex.example",
        category: "Account and access",
        priority: "urgent",
        stage: Stage::Active("open", 1),
        assignee: Some(AGENT),
        description: "I asked for a password reset three times and no e-mail arrived, not even in the spam folder.",
        thread: &[
            (AGENT, true, "Their mail server rejects our sender domain; checking SPF with the customer's IT."),
            (AGENT, false, "We are looking into it: your mail server seems to refuse our messages. Could your IT team check that mail from rapport.example is allowed?"),
        ],
        tags: &["e-mail", "sign-in"],
        rating: None,
    },
    DemoCase {
        subject: "Feature request: dark mode",
        requester: "nick@northwind.example",
        category: "Other",
        priority: "low",
        stage: Stage::Closed { days_ago: 22, hours: 26 },
        assignee: Some(AGENT),
        description: "Would it be possible to have a dark theme? Our support desk works late.",
        thread: &[(AGENT, false, "Thank you for the suggestion, we have passed it to the product team.")],
        tags: &[],
        rating: None,
    },
    DemoCase {
        subject: "Uploads over 10 MB fail",
        requester: "carla@acme.example",
        category: "Technical problem",
        priority: "normal",
        stage: Stage::Active("on_hold", 3),
        assignee: Some(AGENT),
        description: "Uploading our product catalogue (12 MB) ends with an error after a minute.",
        thread: &[
            (AGENT, true, "Waiting for the storage team to raise the limit."),
            (AGENT, false, "We are waiting for a change on our side and will come back to you this week."),
        ],
        tags: &["uploads"],
        rating: None,
    },
    DemoCase {
        subject: "Where do I find the training calendar?",
        requester: "greta@globex.example",
        category: "Getting started",
        priority: "normal",
        stage: Stage::Active("new", 0),
        assignee: None,
        description: "Our new team members would like to join a workshop. Where can we see the dates?",
        thread: &[],
        tags: &[],
        rating: None,
    },
];

const OLIVIA: &str = "olivia@northwind.example";
const NICK: &str = "nick@northwind.example";
const CARLA: &str = "carla@acme.example";
const AHMED: &str = "ahmed@acme.example";
const GRETA: &str = "greta@globex.example";

/// The rest of a busy support desk: every queue and filter has something to
/// show, and the case lists have more than one page.
const MORE_CASES: &[DemoCase] = &[
    // New, nobody has picked them up yet.
    DemoCase {
        subject: "Tote runner stops in front of the charging dock",
        requester: AHMED,
        category: "Technical problem",
        priority: "high",
        stage: Stage::Active("new", 1),
        assignee: None,
        description: "Since this morning one of our AMR-60 tote runners (serial ending 4471) drives to charging dock 3, stops about 20 cm in front of it and blinks yellow. The other robots charge at the same dock without trouble.\n\nWe have restarted it twice. Could someone look at its logs?",
        thread: &[],
        tags: &["amr-60", "charging"],
        rating: None,
    },
    DemoCase {
        subject: "Order confirmation has our old warehouse address",
        requester: OLIVIA,
        category: "Orders and delivery",
        priority: "normal",
        stage: Stage::Active("new", 0),
        assignee: None,
        description: "We ordered drive wheel sets yesterday and the confirmation lists our old warehouse in Hamburg as the delivery address. We moved to Bremen in March and changed the address in our profile back then.\n\nPlease make sure this order goes to Bremen.",
        thread: &[],
        tags: &[],
        rating: None,
    },
    DemoCase {
        subject: "Can our fleet manager licence cover a second site?",
        requester: GRETA,
        category: "Other",
        priority: "low",
        stage: Stage::Active("new", 2),
        assignee: None,
        description: "We are opening a second warehouse in Rotterdam after the summer. Can our existing fleet manager licence cover both sites, or do we need a second licence? If so, what would it cost?",
        thread: &[],
        tags: &["licence"],
        rating: None,
    },
    DemoCase {
        subject: "Two-factor codes are rejected",
        requester: NICK,
        category: "Account and access",
        priority: "urgent",
        stage: Stage::Active("new", 0),
        assignee: None,
        description: "Since I moved to a new phone, every code from the authenticator app is refused with \u{201c}invalid code\u{201d}. I transferred the app together with its backup.\n\nI can't sign in at all now, and I need our case list for a meeting at 2 pm.",
        thread: &[],
        tags: &["2fa", "sign-in"],
        rating: None,
    },
    DemoCase {
        subject: "Safety scanner keeps reporting a dirty window",
        requester: CARLA,
        category: "Technical problem",
        priority: "normal",
        stage: Stage::Active("new", 3),
        assignee: None,
        description: "The LX-270 on our pallet mover reports \u{201c}window contaminated\u{201d} a few times a day, even right after we clean it with the cloth from the kit. Each time the robot stops until someone acknowledges the message.\n\nIs this a known issue, or is the window damaged?",
        thread: &[],
        tags: &["lx-270"],
        rating: None,
    },
    // Open: support is working on them.
    DemoCase {
        subject: "Dashboard loads slowly in the morning",
        requester: OLIVIA,
        category: "Technical problem",
        priority: "normal",
        stage: Stage::Active("open", 6),
        assignee: Some(AGENT),
        description: "Between 8 and 9 am the fleet manager dashboard takes 30\u{2013}40 seconds to load, and sometimes it times out. Later in the day it opens in two or three seconds.\n\nThat is exactly when our shift leads plan the day. We use Chrome on Windows 11.",
        thread: &[
            (AGENT, false, "Thank you, Olivia. Do you have many widgets on the dashboard? A recording of a slow load would help us a lot: press F12, open **Network**, reload, and choose **Save all as HAR**."),
            (OLIVIA, false, "We have 14 widgets, most of them shift reports. I've saved the HAR file and sent it to Sam."),
            (AGENT, true, "HAR: /api/shift-report takes 31 s and every widget computes it again. Asked the platform team whether the 8 am import locks the table."),
        ],
        tags: &["dashboard", "performance"],
        rating: None,
    },
    DemoCase {
        subject: "Picking arm drops parcels wrapped in foil",
        requester: CARLA,
        category: "Technical problem",
        priority: "high",
        stage: Stage::Active("open", 9),
        assignee: Some(AGENT),
        description: "Our PA-6 picking arm loses about one in ten parcels that are shrink-wrapped in shiny foil. Cardboard boxes are fine. We use the standard VAC-12 suction cups.\n\nIs there a setting for smooth surfaces, or do we need different cups?",
        thread: &[
            (AGENT, false, "Hello Carla, on smooth foil air often gets in at the edge of the cup. Could you lower the approach speed to 60% for that product group (**Picking → Profiles**) and tell us whether it helps?"),
            (CARLA, false, "Slower helps a bit: now it's about one in twenty. That is still too many for us."),
            (AGENT, true, "Asked the applications team whether the soft-lip cups (VAC-12S) are released for the PA-6 yet."),
            (AGENT, false, "Thanks for trying it. We are checking with our applications team whether softer cups are available for the PA-6 and will come back to you by Thursday."),
        ],
        tags: &["pa-6", "suction-cups"],
        rating: None,
    },
    DemoCase {
        subject: "Robots lose Wi-Fi in aisle 7",
        requester: GRETA,
        category: "Technical problem",
        priority: "urgent",
        stage: Stage::Active("open", 1),
        assignee: Some(ADMIN),
        description: "Since the racks in aisle 7 were rebuilt on Monday, every tote runner that enters the aisle loses its Wi-Fi connection for 20\u{2013}30 seconds and stops. Traffic is piling up behind them. Our network team says the access points are fine.",
        thread: &[
            (ADMIN, false, "Hello Greta, we're on it. Are the new racks metal mesh or solid panels? Solid steel can shadow the access points. Meanwhile you can make aisle 7 a *slow zone* (**Site → Zones**): the robots then keep moving on their last known route."),
            (GRETA, false, "Solid steel panels, 2.4 m high. We've set up the slow zone, thanks \u{2013} traffic is moving again, but slowly."),
        ],
        tags: &["wifi"],
        rating: None,
    },
    DemoCase {
        subject: "API token stopped working after a password change",
        requester: NICK,
        category: "Account and access",
        priority: "normal",
        stage: Stage::Active("open", 2),
        assignee: Some(AGENT),
        description: "Our script that reads the robot status every five minutes has failed with `401 Unauthorized` since I changed my password yesterday. I thought API tokens didn't depend on the password?",
        thread: &[
            (AGENT, false, "Hello Nick, changing the password signs out every session, and tokens created before version 4.8 count as sessions. A new token from **Account → API tokens** keeps working after future password changes. Could you try that?"),
            (NICK, false, "The new token works, thanks. Is there a way to get warned when a token stops working, instead of finding out a day later?"),
        ],
        tags: &["api"],
        rating: None,
    },
    DemoCase {
        subject: "Battery packs only last half a shift",
        requester: AHMED,
        category: "Technical problem",
        priority: "normal",
        stage: Stage::Active("open", 12),
        assignee: Some(AGENT),
        description: "The four 48 V battery packs we bought in spring now need charging after about four hours instead of eight. The robots drive the same routes as before. Could the packs be faulty? They are still under warranty.",
        thread: &[
            (AGENT, false, "Thank you, Ahmed. Could you send us the battery health report (**Fleet manager → Devices → Batteries → Export**)? It shows the charge cycles and the cell balance."),
            (AHMED, false, "From the report: packs 1 and 2 are at 61% health after 410 cycles, packs 3 and 4 at 93%."),
            (AGENT, true, "61% after 410 cycles is far below spec (80% at 1,000). Warranty replacement for packs 1 and 2; waiting for logistics to confirm stock."),
        ],
        tags: &["battery", "warranty"],
        rating: None,
    },
    DemoCase {
        subject: "Missing item in the last delivery",
        requester: OLIVIA,
        category: "Orders and delivery",
        priority: "normal",
        stage: Stage::Active("open", 3),
        assignee: Some(AGENT),
        description: "Yesterday's delivery was missing one of the two bumper and emergency stop kits. The delivery note lists two, but there was only one in the box, and the packaging was intact.",
        thread: &[(AGENT, false, "I'm sorry about that, Olivia. I've asked our warehouse to check the packing record of your order; you'll hear from us tomorrow at the latest.")],
        tags: &["shipping"],
        rating: None,
    },
    DemoCase {
        subject: "Fleet manager shows robots on the wrong floor",
        requester: CARLA,
        category: "Technical problem",
        priority: "low",
        stage: Stage::Active("open", 5),
        assignee: Some(AGENT),
        description: "Since we added the mezzanine to the site map, the fleet manager shows three robots up on the mezzanine although they are on the ground floor. The robots themselves drive correctly; only the map is wrong.",
        thread: &[
            (AGENT, false, "Hello Carla, which map version is active (**Site → Maps**)? A screenshot of the map with the three robots would help too."),
            (CARLA, false, "Version 12. I've sent Sam the screenshot by e-mail."),
        ],
        tags: &["site-map"],
        rating: None,
    },
    DemoCase {
        subject: "Shift report times are one hour off",
        requester: NICK,
        category: "Technical problem",
        priority: "low",
        stage: Stage::Active("open", 8),
        assignee: Some(AGENT),
        description: "Every time in the exported shift report is an hour or two earlier than on screen. It looks like UTC; we are in Hamburg, and our profiles are set to Europe/Berlin.",
        thread: &[
            (AGENT, false, "Thanks Nick, I can reproduce it: the export ignores the time zone of your profile. I've passed it to our developers and will tell you when the fix is out."),
            (AGENT, true, "Bug REP-311, planned for the next release."),
        ],
        tags: &["reports"],
        rating: None,
    },
    // Waiting for the customer.
    DemoCase {
        subject: "Credit note for returned goods",
        requester: CARLA,
        category: "Invoices and payment",
        priority: "normal",
        stage: Stage::Active("pending", 6),
        assignee: Some(AGENT),
        description: "We sent back two drive wheel sets last month because they were the wrong size. According to the tracking they arrived at your warehouse, but we have not received a credit note, and the full invoice was debited.",
        thread: &[
            (AGENT, true, "Return is booked in the warehouse (RMA-2291), no credit note yet. Accounts need the original order number."),
            (AGENT, false, "Hello Carla, the wheels have arrived in our warehouse. To issue the credit note I need the number of the order they came from \u{2013} could you send it to us?"),
        ],
        tags: &["credit-note", "returns"],
        rating: None,
    },
    DemoCase {
        subject: "Do we need to recalibrate after moving the picking station?",
        requester: AHMED,
        category: "Technical problem",
        priority: "normal",
        stage: Stage::Active("pending", 2),
        assignee: Some(ADMIN),
        description: "We moved our PA-6 picking station three metres to the left. Do we have to run the full calibration again, or is there a quick check?",
        thread: &[(ADMIN, false, "Hello Ahmed, after a move the full calibration is needed; it takes about 40 minutes with the calibration plate. Would you like a technician to do it, or shall we send you the step-by-step guide?")],
        tags: &["pa-6"],
        rating: None,
    },
    DemoCase {
        subject: "A colleague left: remove her access",
        requester: OLIVIA,
        category: "Account and access",
        priority: "high",
        stage: Stage::Active("pending", 1),
        assignee: Some(AGENT),
        description: "Our shift lead Marta Klein left the company on Friday. Please remove her access to the portal and the fleet manager straight away.",
        thread: &[(AGENT, false, "Done for the portal: her account is disabled and all her sessions are signed out. Her fleet manager login belongs to your own user directory \u{2013} shall we remove it, or will your IT team?")],
        tags: &[],
        rating: None,
    },
    DemoCase {
        subject: "Training certificate shows the wrong name",
        requester: GRETA,
        category: "Other",
        priority: "low",
        stage: Stage::Active("pending", 4),
        assignee: Some(AGENT),
        description: "Jan de Vries took part in the operator training last week, but his certificate says \u{201c}Jan Devries\u{201d}. He needs the correct name for our insurance.",
        thread: &[(AGENT, false, "Sorry about that, Greta, we'll issue a new one. Could you confirm the exact spelling, and whether a middle name should be on it too?")],
        tags: &["training"],
        rating: None,
    },
    // On hold: waiting for something on our side.
    DemoCase {
        subject: "Scanner stops after the firmware update",
        requester: AHMED,
        category: "Technical problem",
        priority: "high",
        stage: Stage::Active("on_hold", 4),
        assignee: Some(AGENT),
        description: "After we installed firmware 3.2 on our LX-270 safety scanners on Friday, two of the six stop working after about an hour: the LED turns red and the robot reports \u{201c}protective field unavailable\u{201d}. Switching them off and on helps for another hour. The other four are fine.",
        thread: &[
            (AGENT, false, "Thank you, Ahmed. Could you tell us the hardware revision on the label of the affected scanners, and the error code from **Fleet manager → Devices**?"),
            (AHMED, false, "Both are revision C; the four good ones are revision D. The error is:\n\n```\nERR 0x4F21 protective field unavailable\nuptime 01:02:17\n```"),
            (AGENT, true, "Rev C + 3.2 = known issue ENG-1182, fix planned in 3.2.1. Rolling back to 3.1.4 is safe on rev C."),
            (AGENT, false, "That helps, thanks. Revision C scanners have a known problem with firmware 3.2, and a fix is coming in 3.2.1. Until then you can safely go back to 3.1.4 on those two (**Devices → Firmware → Roll back**). We'll tell you as soon as 3.2.1 is out."),
        ],
        tags: &["firmware", "lx-270"],
        rating: None,
    },
    DemoCase {
        subject: "Pallet mover wears out its left wheel",
        requester: NICK,
        category: "Technical problem",
        priority: "normal",
        stage: Stage::Active("on_hold", 15),
        assignee: Some(AGENT),
        description: "The left drive wheel of our AMR-200 pallet mover wears much faster than the right one: after three months the left tyre is almost flat on the inside. Could the wheel be misaligned?",
        thread: &[
            (AGENT, false, "Thank you, Nick. That sounds like a misaligned wheel module. A technician needs to check it on site; the earliest date is the 24th. Would that suit you?"),
            (NICK, false, "The 24th is fine. Until then we'll only use it for light loads."),
            (AGENT, true, "Technician visit booked for the 24th. Case on hold until then."),
        ],
        tags: &["amr-200", "wheels"],
        rating: None,
    },
    // Solved in the last days: the customer can still reopen or rate them.
    DemoCase {
        subject: "How do I change our billing address?",
        requester: CARLA,
        category: "Getting started",
        priority: "low",
        stage: Stage::Solved { days_ago: 1, hours: 3 },
        assignee: Some(AGENT),
        description: "Our accounts department has moved to a new office. Where can I change the billing address so that the next invoices go there?",
        thread: &[(AGENT, false, "Hello Carla, customer admins can change it under **Organization → Billing details**. It applies to invoices issued from tomorrow; those already issued keep the old address. If you need one of them issued again, just tell us which.")],
        tags: &["billing"],
        rating: Some((5, "Found it, thanks!")),
    },
    DemoCase {
        subject: "Payment reminder although we paid",
        requester: OLIVIA,
        category: "Invoices and payment",
        priority: "normal",
        stage: Stage::Solved { days_ago: 3, hours: 26 },
        assignee: Some(AGENT),
        description: "We received a payment reminder for an invoice that we paid by bank transfer on the 3rd. Our bank confirms the transfer. Please check your records.",
        thread: &[
            (AGENT, false, "Thank you, Olivia. I've asked our accounts team to look for your payment."),
            (AGENT, true, "Accounts: the payment came with a different reference and was not matched. Matched by hand now."),
            (AGENT, false, "Found it: your payment arrived with a different reference, so it was not matched automatically. It is booked now, and you can ignore the reminder. Sorry for the trouble!"),
        ],
        tags: &["billing"],
        rating: Some((4, "Sorted quickly, but the reminder shouldn't have been sent.")),
    },
    DemoCase {
        subject: "Parcel delivered to the wrong address",
        requester: NICK,
        category: "Orders and delivery",
        priority: "high",
        stage: Stage::Solved { days_ago: 2, hours: 44 },
        assignee: Some(ADMIN),
        description: "The tracking for our spare parts says \u{201c}delivered\u{201d}, but nobody here received anything, and the signature on the proof of delivery isn't from anyone on our team. We need the parts for a robot that is standing still.",
        thread: &[
            (ADMIN, false, "Hello Nick, I've opened an investigation with the carrier and asked our warehouse to send you replacement parts by express today, so you don't have to wait for the outcome."),
            (NICK, false, "The replacement arrived this morning and the robot is running again. Thank you!"),
            (ADMIN, false, "Great to hear. The carrier has found the parcel at a neighbouring business and is returning it to us, so there is nothing more for you to do."),
        ],
        tags: &["shipping"],
        rating: Some((5, "The express replacement saved our week.")),
    },
    DemoCase {
        subject: "Can our controller get read-only access?",
        requester: GRETA,
        category: "Account and access",
        priority: "low",
        stage: Stage::Solved { days_ago: 4, hours: 20 },
        assignee: Some(AGENT),
        description: "Our controller would like to see our cases and invoices, but shouldn't be able to open cases or change anything. Is there a read-only role?",
        thread: &[
            (AGENT, false, "Hello Greta, there is no read-only role yet. Invoices need the customer admin role; alternatively we can send a copy of every invoice to an extra e-mail address. Would that help?"),
            (GRETA, false, "Copies by e-mail would be perfect: controlling@globex.example, please."),
            (AGENT, false, "Done: from the next invoice on, a copy goes to controlling@globex.example."),
        ],
        tags: &[],
        rating: None,
    },
    DemoCase {
        subject: "Charging dock stays dark after a power cut",
        requester: AHMED,
        category: "Technical problem",
        priority: "urgent",
        stage: Stage::Solved { days_ago: 1, hours: 2 },
        assignee: Some(AGENT),
        description: "After a power cut last night, charging dock no. 2 stays dark. The fuse in our distribution board is fine. Three robots are waiting to charge.",
        thread: &[
            (AGENT, false, "Hello Ahmed, the CD-2 has a fuse of its own behind the service flap at the back (T10A). Could you check it?"),
            (AHMED, false, "That was it: the fuse had blown. I put in the spare from the kit and the dock is charging again."),
            (AGENT, false, "Glad it was that simple! We'll send a new spare fuse with your next order, free of charge."),
        ],
        tags: &["charging"],
        rating: Some((5, "")),
    },
    DemoCase {
        subject: "Can we get invoices as PDF by e-mail?",
        requester: OLIVIA,
        category: "Invoices and payment",
        priority: "low",
        stage: Stage::Solved { days_ago: 5, hours: 22 },
        assignee: Some(AGENT),
        description: "Our accounts payable software reads invoices from a mailbox. Could you send our invoices as PDF attachments to ap@northwind.example instead of a link to the portal?",
        thread: &[(AGENT, false, "Yes, we can. From the next invoice on, Northwind Traders' invoices go to ap@northwind.example as PDF attachments. They stay in the portal as well.")],
        tags: &[],
        rating: Some((4, "Works, thank you.")),
    },
    DemoCase {
        subject: "Is the operator handbook available in Dutch?",
        requester: GRETA,
        category: "Getting started",
        priority: "low",
        stage: Stage::Solved { days_ago: 2, hours: 30 },
        assignee: Some(ADMIN),
        description: "Several of our operators would prefer the operator handbook in Dutch. Is there a Dutch edition, printed or as PDF?",
        thread: &[
            (ADMIN, false, "Hello Greta, the Dutch handbook is available as a PDF in the knowledge base; the printed Dutch edition comes out in the autumn. Shall we put you down for copies?"),
            (GRETA, false, "Yes please, six copies."),
            (ADMIN, false, "Noted: six printed Dutch handbooks will go out as soon as the edition is printed. Until then the PDF is yours to share with the team."),
        ],
        tags: &["handbook"],
        rating: Some((3, "The PDF is fine, but we need the printed ones sooner.")),
    },
    // Closed by the auto-close job a week after they were solved.
    DemoCase {
        subject: "Invoice total does not match the order",
        requester: CARLA,
        category: "Invoices and payment",
        priority: "normal",
        stage: Stage::Closed { days_ago: 2, hours: 30 },
        assignee: Some(AGENT),
        description: "The invoice for our mobile shelf racks is EUR 240 higher than the order confirmation. Delivery was supposed to be included.",
        thread: &[
            (AGENT, false, "Thanks Carla, I'm checking this with our accounts team."),
            (AGENT, false, "You're right: the delivery was charged by mistake. We've issued a credit note for EUR 240; you'll find it in the portal under **Invoices**."),
        ],
        tags: &["billing", "credit-note"],
        rating: Some((4, "")),
    },
    DemoCase {
        subject: "Robot can't find its way home after a map update",
        requester: NICK,
        category: "Technical problem",
        priority: "high",
        stage: Stage::Closed { days_ago: 6, hours: 20 },
        assignee: Some(AGENT),
        description: "Since we published map version 9, tote runner T-07 drives to the end of aisle 3 at the end of each shift and waits there with \u{201c}home position unreachable\u{201d}. The other robots park normally.",
        thread: &[
            (AGENT, false, "Hello Nick, could you tell us which parking zone T-07 is assigned to in **Site → Robots**?"),
            (NICK, false, "It says \u{201c}P-old\u{201d}. I don't think that zone exists any more."),
            (AGENT, false, "That's the cause: its home position pointed to a zone that was deleted in map version 9. I've moved it to the new parking zone P2; after a restart T-07 will park there."),
        ],
        tags: &["site-map"],
        rating: Some((5, "Clear explanation of what went wrong.")),
    },
    DemoCase {
        subject: "We ordered twice by mistake",
        requester: AHMED,
        category: "Orders and delivery",
        priority: "normal",
        stage: Stage::Closed { days_ago: 9, hours: 2 },
        assignee: Some(AGENT),
        description: "I clicked \u{201c}Order\u{201d} twice and now we have two identical orders for ten sets of suction cups. Please cancel the second one.",
        thread: &[(AGENT, false, "Hello Ahmed, the second order is cancelled and won't be charged.")],
        tags: &[],
        rating: Some((5, "Super quick!")),
    },
    DemoCase {
        subject: "Invitation link has expired",
        requester: GRETA,
        category: "Account and access",
        priority: "normal",
        stage: Stage::Closed { days_ago: 12, hours: 6 },
        assignee: Some(AGENT),
        description: "I invited our new shift lead a week ago, but she was on holiday, and now the link says it has expired. Can you send her a new one?",
        thread: &[(AGENT, false, "Hello Greta, invitation links work for seven days. You can create a new one yourself under **Organization \u{2192} Invite a colleague**; the old link stays invalid.")],
        tags: &[],
        rating: None,
    },
    DemoCase {
        subject: "Quote for renewing the fleet manager licence",
        requester: OLIVIA,
        category: "Invoices and payment",
        priority: "low",
        stage: Stage::Closed { days_ago: 20, hours: 50 },
        assignee: Some(ADMIN),
        description: "Our fleet manager licence for the Bremen site runs out at the end of next month. Could you send us quotes for one more year and for three years?",
        thread: &[
            (ADMIN, false, "Hello Olivia, both quotes are in the portal under **Organization → Documents**. The three-year licence is 12% cheaper per year."),
            (OLIVIA, false, "Thank you, we'll take the three years. Please send us the order confirmation."),
            (ADMIN, false, "Ordered: you'll find the confirmation under **Orders**. The new licence starts the day after the old one ends."),
        ],
        tags: &["licence"],
        rating: Some((4, "")),
    },
    DemoCase {
        subject: "Robot horn is too loud for the night shift",
        requester: CARLA,
        category: "Other",
        priority: "low",
        stage: Stage::Closed { days_ago: 27, hours: 70 },
        assignee: Some(AGENT),
        description: "Our night shift works next to a residential street, and the neighbours complain about the horn when robots cross the aisles. Can it be turned down at night?",
        thread: &[
            (AGENT, false, "Hello Carla, you can set the volume per zone and time of day under **Site → Zones → Sound**. The safety standard doesn't allow less than 65 dB, though."),
            (CARLA, false, "We've set the outer zones to 65 dB at night. It's better, but still not quiet."),
            (AGENT, false, "65 dB is the lowest we may go, I'm afraid. Flashing lights instead of the horn are on our roadmap; I've added your vote."),
        ],
        tags: &[],
        rating: Some((3, "Helpful, but 65 dB is still loud at night.")),
    },
    DemoCase {
        subject: "Charging dock arrived damaged",
        requester: NICK,
        category: "Orders and delivery",
        priority: "high",
        stage: Stage::Closed { days_ago: 35, hours: 28 },
        assignee: Some(AGENT),
        description: "The pallet with our new charging dock arrived with a broken corner, and the housing of the dock is cracked. We have not installed it.",
        thread: &[
            (AGENT, false, "I'm sorry, Nick. Please don't install it; a replacement leaves our warehouse today."),
            (NICK, false, "The replacement is here and works. When will someone collect the damaged one?"),
            (AGENT, false, "The carrier collects it on Tuesday between 8 and 12."),
        ],
        tags: &["shipping"],
        rating: Some((2, "The replacement was fine, but the pick-up was moved twice.")),
    },
    DemoCase {
        subject: "Our company name is misspelt on invoices",
        requester: AHMED,
        category: "Invoices and payment",
        priority: "low",
        stage: Stage::Closed { days_ago: 45, hours: 8 },
        assignee: Some(AGENT),
        description: "Our invoices are addressed to \u{201c}Acme Robotic\u{201d}, without the s. Our accountant can't book them like that.",
        thread: &[(AGENT, false, "Thank you, Ahmed, we've corrected the name. The invoices of this year have been issued again with the right name; you'll find them in the portal.")],
        tags: &["billing"],
        rating: Some((5, "")),
    },
    DemoCase {
        subject: "On-site operator training for new staff",
        requester: GRETA,
        category: "Getting started",
        priority: "normal",
        stage: Stage::Closed { days_ago: 50, hours: 26 },
        assignee: Some(ADMIN),
        description: "Six new operators start next month. Could you run an operator training at our site in Rotterdam?",
        thread: &[
            (ADMIN, false, "We can: an on-site operator training is one day for up to eight people. The 8th and the 15th of next month are still free."),
            (GRETA, false, "The 8th, please."),
            (ADMIN, false, "Booked for the 8th, 9:00\u{2013}16:00, with Tess as the trainer. She will bring the handbooks."),
        ],
        tags: &["training"],
        rating: Some((5, "Tess was great.")),
    },
    DemoCase {
        subject: "Robots stop when the sun shines on the loading dock",
        requester: OLIVIA,
        category: "Technical problem",
        priority: "urgent",
        stage: Stage::Closed { days_ago: 60, hours: 30 },
        assignee: Some(AGENT),
        description: "In the afternoon, when the sun shines through the open doors, our tote runners stop in front of dock 4 and report an obstacle. There is nothing there.",
        thread: &[
            (AGENT, false, "Strong direct sunlight can dazzle the 3D camera. Which firmware are your DC-3 camera modules on?"),
            (OLIVIA, false, "2.7.1 on all of them."),
            (AGENT, true, "2.8 filters direct sunlight. Update scheduled for tonight, 22:00."),
            (AGENT, false, "Firmware 2.8 filters direct sunlight. We've updated your cameras tonight at 22:00, so there is nothing to do on your side. Let us know if it happens again."),
        ],
        tags: &["dc-3", "firmware"],
        rating: Some((1, "Our dock stood still for two afternoons before this was fixed.")),
    },
];

/// Canned replies every agent starts with.
const DEMO_CANNED: &[(&str, &str)] = &[
    ("Ask for details", "Hello {{customer_first_name}},\n\nthank you for contacting us about {{case_number}}. Could you tell us the steps that lead to the problem, and send a screenshot if you can?\n\nBest regards,\n{{agent_name}}"),
    ("Solved, please confirm", "Hello {{customer_first_name}},\n\nwe believe {{case_number}} is solved now. If anything is still wrong, just reply and the case opens again.\n\nBest regards,\n{{agent_name}}"),
    ("Passed to engineering", "Hello {{customer_first_name}},\n\nwe have passed \u{201c}{{case_subject}}\u{201d} to our engineers and will come back to you as soon as we hear from them.\n\n{{agent_name}}"),
];

async fn user_by_email(
    tx: &mut sqlx::PgConnection,
    email: &str,
) -> Result<(i64, Option<i64>), rapport_core::Error> {
    db::users::id_by_email(tx, email)
        .await?
        .ok_or_else(|| rapport_core::Error::internal(format!("demo user {email} is missing")))
}

async fn seed_demo_cases(tx: &mut sqlx::PgConnection) -> Result<(), rapport_core::Error> {
    use rapport_core::db::cases as case_db;
    let categories = case_db::categories(&mut *tx).await?;
    for (index, case) in DEMO_CASES.iter().chain(MORE_CASES).enumerate() {
        let status = case.stage.status();
        let (requester_id, organization_id) = user_by_email(&mut *tx, case.requester).await?;
        let category_id = categories
            .iter()
            .find(|(_, name)| name == case.category)
            .map(|(id, _)| *id)
            .ok_or_else(|| {
                rapport_core::Error::internal(format!("demo category {} is missing", case.category))
            })?;
        let (case_id, _) = case_db::create(
            &mut *tx,
            case_db::NewCase {
                subject: case.subject,
                description: case.description,
                category_id,
                priority: case.priority,
                requester_id,
                organization_id: organization_id.unwrap_or_default(),
            },
        )
        .await?;
        // Who wrote each message: staff have no organization.
        let mut staff = Vec::with_capacity(case.thread.len());
        for (author, internal, body) in case.thread {
            let (author_id, organization) = user_by_email(&mut *tx, author).await?;
            case_db::add_message(&mut *tx, case_id, author_id, *internal, body).await?;
            staff.push(organization.is_none());
        }
        let last_speaker = case
            .thread
            .iter()
            .zip(&staff)
            .rfind(|((_, internal, _), _)| !internal)
            .map(|(_, staff)| if *staff { "agent" } else { "customer" });
        let assignee_id = match case.assignee {
            Some(email) => Some(user_by_email(&mut *tx, email).await?.0),
            None => None,
        };
        let change = case_db::CaseChange {
            status,
            priority: case.priority,
            category_id,
            assignee_id,
            public_speaker: last_speaker,
        };
        case_db::update(&mut *tx, case_id, 1, change).await?;
        if let Some((score, comment)) = case.rating {
            case_db::rate(&mut *tx, case_id, score, comment).await?;
        }
        if !case.tags.is_empty() {
            let tags: Vec<String> = case.tags.iter().map(|t| t.to_string()).collect();
            case_db::set_tags(&mut *tx, case_id, &tags).await?;
        }
        // A different time of day for each case, up to seven hours.
        let jitter = ((index * 97 + 41) % 420) as i32;
        let times = Timeline::of(case.stage, case.thread.len(), jitter);
        // The clock pauses when support asks the customer something.
        let paused = (status == "pending")
            .then(|| {
                case.thread
                    .iter()
                    .zip(&staff)
                    .zip(&times.messages)
                    .rfind(|(((_, internal, _), staff), _)| **staff && !internal)
                    .map(|(_, at)| *at)
            })
            .flatten();
        // The solving answer, and the job closing it, as the history shows them.
        let solver_id = match assignee_id {
            Some(id) => id,
            None => user_by_email(&mut *tx, AGENT).await?.0,
        };
        let mut events = Vec::new();
        if let Some(solved) = times.solved {
            events.push((Some(solver_id), "open", "solved", solved));
        }
        if let Some(closed) = times.closed {
            // Like `db::cases::close_solved`: by no person, Rapport closed it.
            events.push((None, "solved", "closed", closed));
        }
        finish_demo_case(&mut *tx, case_id, case.priority, &times, paused, &events).await?;
    }
    let (agent_id, _) = user_by_email(&mut *tx, AGENT).await?;
    for (title, body) in DEMO_CANNED {
        db::canned::save(&mut *tx, None, title, body, agent_id).await?;
    }
    Ok(())
}

/// When things happened to a demo case, in minutes before now.
struct Timeline {
    opened: i32,
    /// One for each message of the thread, in order.
    messages: Vec<i32>,
    solved: Option<i32>,
    closed: Option<i32>,
    /// The last change.
    updated: i32,
    /// When the requester rated it (if they did).
    rated: Option<i32>,
}

impl Timeline {
    fn of(stage: Stage, messages: usize, jitter: i32) -> Timeline {
        const DAY: i32 = 24 * 60;
        // The thread runs from the opening to `end`: the answer that solved
        // the case, or the latest activity of one still being worked on.
        let (opened, end, solved, closed) = match stage {
            Stage::Active(_, days) => {
                let opened = days * DAY + jitter + 10;
                (opened, opened / 4 + 5, None, None)
            }
            Stage::Solved { days_ago, hours } => {
                let solved = days_ago * DAY + jitter;
                (solved + hours * 60, solved + 1, Some(solved), None)
            }
            Stage::Closed { days_ago, hours } => {
                let closed = days_ago * DAY + jitter;
                // The job runs every few minutes: a little after the days are up.
                let solved = closed + AUTO_CLOSE_DAYS * DAY + 20;
                (solved + hours * 60, solved + 1, Some(solved), Some(closed))
            }
        };
        let span = opened - end;
        let count = messages as i32;
        // The first answer comes within a couple of hours (unless it is the
        // only one, and solved the case); the rest spread out until `end`.
        let first = if count == 1 && solved.is_some() {
            end
        } else {
            opened - (span / (count + 1)).clamp(10, 150).min(span)
        };
        let messages: Vec<i32> = (0..count)
            .map(|i| {
                if i == 0 {
                    first
                } else {
                    first - (first - end) * i / (count - 1)
                }
            })
            .collect();
        let updated = closed
            .or(solved)
            .or(messages.last().copied())
            .unwrap_or(opened);
        let rated = solved.map(|solved| solved - (90 + jitter / 3).min(solved / 2));
        Timeline {
            opened,
            messages,
            solved,
            closed,
            updated,
            rated,
        }
    }
}

/// Put a demo case, its thread, history and rating at their times, and start
/// its SLA clock from when it was opened.
///
/// `events` are status changes: (actor, None for Rapport itself, from, to, minutes ago).
async fn finish_demo_case(
    tx: &mut sqlx::PgConnection,
    case_id: i64,
    priority: &str,
    times: &Timeline,
    paused: Option<i32>,
    events: &[(Option<i64>, &str, &str, i32)],
) -> Result<(), rapport_core::Error> {
    use rapport_core::db::cases as case_db;
    let created_at: time::OffsetDateTime = sqlx::query_scalar(
        "UPDATE cases SET created_at = now() - make_interval(mins => $2),
                          updated_at = now() - make_interval(mins => $3),
                          solved_at = now() - make_interval(mins => $4),
                          closed_at = now() - make_interval(mins => $5)
         WHERE id = $1 RETURNING created_at",
    )
    .bind(case_id)
    .bind(times.opened)
    .bind(times.updated)
    .bind(times.solved)
    .bind(times.closed)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE case_messages m SET created_at = now() - make_interval(mins => t.ago)
         FROM unnest($2::int4[]) WITH ORDINALITY AS t(ago, n),
              (SELECT id, row_number() OVER (ORDER BY id) AS n
               FROM case_messages WHERE case_id = $1) o
         WHERE o.n = t.n AND m.id = o.id",
    )
    .bind(case_id)
    .bind(&times.messages)
    .execute(&mut *tx)
    .await?;
    for (actor_id, from, to, ago) in events {
        sqlx::query(
            "INSERT INTO case_events (case_id, actor_id, field, old_value, new_value, at)
             VALUES ($1, $2, 'status', $3, $4, now() - make_interval(mins => $5))",
        )
        .bind(case_id)
        .bind(actor_id)
        .bind(from)
        .bind(to)
        .bind(ago)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE case_ratings SET rated_at = now() - make_interval(mins => $2) WHERE case_id = $1",
    )
    .bind(case_id)
    .bind(times.rated)
    .execute(&mut *tx)
    .await?;
    case_db::first_response_from_thread(&mut *tx, case_id).await?;
    let due = rapport_core::sla::due_times(&mut *tx, priority, created_at).await?;
    let paused =
        paused.map(|ago| created_at + time::Duration::minutes((times.opened - ago).into()));
    let clock = case_db::SlaClock {
        first_response_due_at: Some(due.first_response_due_at),
        resolution_due_at: Some(due.resolution_due_at),
        paused_at: paused,
        waited_seconds: 0,
    };
    case_db::set_sla(&mut *tx, case_id, clock).await?;
    Ok(())
}

/// Searches of the last weeks (with and without results, some followed by a
/// case), clicks, votes and deflected cases, so the trainers' Insights page
/// has something to show. Only when the knowledge base was imported first.
async fn seed_knowledge_activity(tx: &mut sqlx::PgConnection) -> Result<(), rapport_core::Error> {
    let articles: i64 = sqlx::query_scalar("SELECT count(*) FROM articles")
        .fetch_one(&mut *tx)
        .await?;
    if articles == 0 {
        return Ok(());
    }
    // (query, hits, times searched, article opened from it, followed by a case)
    const SEARCHES: &[(&str, i32, i32, Option<&str>, bool)] = &[
        ("attach file", 4, 9, Some("attach-files-to-a-case"), false),
        ("case status", 6, 7, Some("case-statuses-explained"), false),
        (
            "reset password",
            2,
            6,
            Some("your-name-password-and-sign-in"),
            true,
        ),
        (
            "invite colleague",
            3,
            5,
            Some("invite-colleagues-to-your-organization"),
            false,
        ),
        ("priority", 6, 4, Some("choose-the-right-priority"), false),
        ("export cases to excel", 0, 5, None, true),
        ("two factor authentication", 0, 4, None, true),
        ("change my e-mail address", 0, 3, None, true),
        ("api token", 0, 2, None, false),
        (
            "reopen closed case",
            2,
            3,
            Some("close-reopen-and-rate-a-case"),
            true,
        ),
    ];
    let customers: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, organization_id FROM users WHERE organization_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    if customers.is_empty() {
        return Ok(());
    }
    let mut n = 0usize;
    for (query, hits, times, opened, case_after) in SEARCHES {
        for i in 0..*times {
            n += 1;
            let (user_id, _) = customers[n % customers.len()];
            let clicked = if i % 2 == 0 { *opened } else { None };
            // A case of the same person, for searches that did not help.
            let case_id: Option<i64> = if *case_after && i % 2 == 1 {
                sqlx::query_scalar(
                    "SELECT id FROM cases WHERE requester_id = $1 ORDER BY id LIMIT 1",
                )
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
            } else {
                None
            };
            sqlx::query(
                "INSERT INTO search_log (query, normalized, hits, source, user_id, clicked_article_id, case_id, created_at)
                 VALUES ($1, $1, $2, $3, $4, (SELECT id FROM articles WHERE slug = $5), $6,
                         now() - make_interval(days => $7, hours => $8))",
            )
            .bind(query)
            .bind(hits)
            .bind(if i % 3 == 0 { "new_case" } else { "search" })
            .bind(user_id)
            .bind(clicked)
            .bind(case_id)
            .bind((n * 7 % 25) as i32)
            .bind((n * 5 % 24) as i32)
            .execute(&mut *tx)
            .await?;
        }
    }
    // Votes on the published revisions: most helpful, some not.
    const VOTES: &[(&str, &[bool])] = &[
        ("attach-files-to-a-case", &[true, true, true, false]),
        ("case-statuses-explained", &[true, true, true]),
        ("your-name-password-and-sign-in", &[false, false, true]),
        ("orders-invoices-and-deliveries", &[false, false]),
    ];
    for (slug, votes) in VOTES {
        for (i, helpful) in votes.iter().enumerate() {
            let (user_id, _) = customers[i % customers.len()];
            sqlx::query(
                "INSERT INTO article_votes (revision_id, user_id, article_id, helpful)
                 SELECT published_revision_id, $2, id, $3 FROM articles
                  WHERE slug = $1 AND published_revision_id IS NOT NULL
                 ON CONFLICT DO NOTHING",
            )
            .bind(slug)
            .bind(user_id)
            .bind(helpful)
            .execute(&mut *tx)
            .await?;
        }
    }
    for (i, slug) in [
        "attach-files-to-a-case",
        "case-statuses-explained",
        "attach-files-to-a-case",
    ]
    .iter()
    .enumerate()
    {
        let (user_id, _) = customers[i % customers.len()];
        sqlx::query(
            "INSERT INTO deflections (article_id, user_id, query, created_at)
             SELECT id, $2, $3, now() - make_interval(days => $4) FROM articles WHERE slug = $1",
        )
        .bind(slug)
        .bind(user_id)
        .bind("how do I send a screenshot")
        .bind(i as i32 * 3)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_accounts_are_valid_accounts() {
        assert!(!DEMO_ACCOUNTS.is_empty());
        for (i, account) in DEMO_ACCOUNTS.iter().enumerate() {
            Email::parse("email", &account.email).expect("an e-mail address");
            DisplayName::parse("name", &account.name).expect("a name");
            if let Some(name) = &account.organization {
                OrganizationName::parse("organization", name).expect("an organization name");
            }
            assert_eq!(
                account.organization.is_some(),
                account.role.is_customer(),
                "{}: customers belong to an organization, staff to none",
                account.email
            );
            assert!(
                DEMO_ACCOUNTS[..i].iter().all(|a| a.email != account.email),
                "{} is listed twice",
                account.email
            );
        }
    }
}
