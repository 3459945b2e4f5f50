//! Who may do what: every rule of Rapport in one place.
//!
//! Two layers use it:
//! - `SERVER_FUNCTIONS` lists every server function with the least that is needed
//!   to call it at all. A middleware refuses a call that does not meet it before the
//!   function runs, and refuses any function that is missing from the table, so an
//!   endpoint cannot be added unguarded. A test checks the table against the
//!   registered functions.
//! - `authorize` answers for one concrete action on one resource (an organization,
//!   a user); every server function calls it with what it is about to do.
//! - `api::API_ENDPOINTS` is the REST API's table (`/api/v1`): for each endpoint,
//!   the token scope it needs and the same gate. After that door the endpoint
//!   calls the same services, which call `authorize` as for a server function:
//!   one rule, two transports.

use crate::Error;
use rapport_types::views::auth::{Capabilities, Capability};
pub use rapport_types::ArticleScope;
use rapport_types::{Audience, Role};

pub mod api;

/// The signed-in person making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub organization_id: Option<i64>,
}

/// The least an actor needs to call a server function at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Visitors too (sign in, register, the current user).
    Anyone,
    SignedIn,
    CustomerAdmin,
    /// Agents and admins: the people who work cases.
    Agent,
    /// Trainers and admins: the people who write articles.
    Writer,
    Admin,
}

/// Every server function, by endpoint name, with its gate.
pub const SERVER_FUNCTIONS: &[(&str, Gate)] = &[
    ("current_user", Gate::Anyone),
    ("register", Gate::Anyone),
    ("invitation_details", Gate::Anyone),
    ("sign_in", Gate::Anyone),
    ("sign_out", Gate::Anyone),
    ("update_profile", Gate::SignedIn),
    ("agent_mail_settings", Gate::Agent),
    ("save_agent_mail_settings", Gate::Agent),
    ("change_password", Gate::SignedIn),
    ("request_password_reset", Gate::Anyone),
    ("password_link_address", Gate::Anyone),
    ("choose_password", Gate::Anyone),
    ("confirmation_link_address", Gate::Anyone),
    ("confirm_registration", Gate::Anyone),
    ("send_confirmation_again", Gate::Anyone),
    ("request_address_change", Gate::SignedIn),
    ("address_link_address", Gate::Anyone),
    ("confirm_address_change", Gate::Anyone),
    ("send_password_link", Gate::SignedIn),
    ("change_user_address", Gate::Admin),
    ("time_zone_names", Gate::SignedIn),
    // Two-factor sign-in and sessions (api::account, api::auth). The sign-in
    // step is a visitor's: the session holds only the pending step until then.
    ("two_factor_status", Gate::SignedIn),
    ("begin_two_factor_setup", Gate::SignedIn),
    ("cancel_two_factor_setup", Gate::SignedIn),
    ("finish_two_factor_setup", Gate::SignedIn),
    ("switch_off_two_factor", Gate::SignedIn),
    ("renew_recovery_codes", Gate::SignedIn),
    ("account_sessions", Gate::SignedIn),
    ("sign_out_session", Gate::SignedIn),
    ("sign_out_other_sessions", Gate::SignedIn),
    ("pending_sign_in", Gate::Anyone),
    ("verify_two_factor", Gate::Anyone),
    ("staff_two_factor_setting", Gate::Admin),
    ("set_staff_two_factor", Gate::Admin),
    ("dashboard", Gate::SignedIn),
    ("organization_overview", Gate::CustomerAdmin),
    ("create_invitation", Gate::CustomerAdmin),
    ("resend_invitation", Gate::CustomerAdmin),
    ("revoke_invitation", Gate::CustomerAdmin),
    ("remove_member", Gate::CustomerAdmin),
    ("set_member_role", Gate::CustomerAdmin),
    ("list_users", Gate::Admin),
    ("create_staff_user", Gate::Admin),
    ("change_role", Gate::Admin),
    ("set_user_disabled", Gate::Admin),
    ("list_organizations", Gate::Admin),
    ("rename_organization", Gate::Admin),
    ("merge_organizations", Gate::Admin),
    ("incoming_mail", Gate::Admin),
    ("retry_incoming_mail", Gate::Admin),
    ("set_unknown_senders", Gate::Admin),
    ("organization_domains", Gate::Admin),
    ("add_organization_domain", Gate::Admin),
    ("remove_organization_domain", Gate::Admin),
    ("case_options", Gate::SignedIn),
    ("preview_markdown", Gate::SignedIn),
    ("create_case", Gate::SignedIn),
    ("my_cases", Gate::SignedIn),
    ("case_detail", Gate::SignedIn),
    ("reply_to_case", Gate::SignedIn),
    ("set_case_open", Gate::SignedIn),
    ("rate_case", Gate::SignedIn),
    // Cases agents open for customers, and followers (api::agent_cases).
    ("find_requesters", Gate::Agent),
    ("new_case_for_customer", Gate::Agent),
    ("create_contact", Gate::Agent),
    ("open_case_for_customer", Gate::Agent),
    ("case_followers", Gate::SignedIn),
    ("add_case_follower", Gate::SignedIn),
    ("remove_case_follower", Gate::Agent),
    ("update_case", Gate::Agent),
    ("case_queue", Gate::Agent),
    ("sla_settings", Gate::Agent),
    ("save_sla_policy", Gate::Admin),
    ("save_business_hours", Gate::Admin),
    ("add_holiday", Gate::Admin),
    ("remove_holiday", Gate::Admin),
    ("merge_case", Gate::Agent),
    ("bulk_update_cases", Gate::Agent),
    ("case_presence", Gate::Agent),
    ("canned_replies", Gate::Agent),
    ("save_canned_reply", Gate::Agent),
    ("delete_canned_reply", Gate::Agent),
    ("canned_reply_text", Gate::Agent),
    ("kb_home", Gate::Anyone),
    ("front_page", Gate::Anyone),
    ("search_articles", Gate::Anyone),
    ("search_suggestions", Gate::Anyone),
    ("case_suggestions", Gate::SignedIn),
    ("deflect_case", Gate::SignedIn),
    ("kb_category", Gate::Anyone),
    ("kb_article", Gate::Anyone),
    ("vote_article", Gate::SignedIn),
    // Writing articles (api::writing): trainers and admins.
    ("writer_articles", Gate::Writer),
    ("article_editor", Gate::Writer),
    ("save_article", Gate::Writer),
    ("change_article_state", Gate::Writer),
    ("restore_revision", Gate::Writer),
    ("preview_article", Gate::Writer),
    ("draft_preview", Gate::Writer),
    ("article_history", Gate::Writer),
    ("writing_insights", Gate::Writer),
    // Orders, invoices and deliveries (api::orders).
    ("order_list", Gate::SignedIn),
    ("order_detail", Gate::SignedIn),
    ("invoice_list", Gate::SignedIn),
    ("invoice_detail", Gate::SignedIn),
    ("delivery_list", Gate::SignedIn),
    ("delivery_detail", Gate::SignedIn),
    ("about_item", Gate::SignedIn),
    ("find_by_number", Gate::Agent),
    ("set_order_sharing", Gate::CustomerAdmin),
    // Workshops (api::workshops).
    ("workshop_sessions", Gate::Anyone),
    ("workshop_calendar", Gate::Anyone),
    ("register_for_session", Gate::SignedIn),
    ("cancel_registration", Gate::SignedIn),
    ("my_workshops", Gate::SignedIn),
    ("set_time_zone", Gate::SignedIn),
    ("workshop_admin", Gate::Writer),
    ("save_session", Gate::Writer),
    ("cancel_session", Gate::Writer),
    ("mark_attendance", Gate::Writer),
    // Account health and churn (api::health).
    ("health_list", Gate::Agent),
    ("organization_health", Gate::Agent),
    ("save_health_weights", Gate::Admin),
    ("record_churn", Gate::Admin),
    ("churn_report", Gate::Agent),
    ("train_churn_model", Gate::Admin),
    // Team reports, the service report and the weekly summary (api::reports).
    ("team_report", Gate::Agent),
    ("service_report", Gate::CustomerAdmin),
    ("set_weekly_summary", Gate::Admin),
    // API tokens (api::api_tokens): staff and customer admins, each within
    // what their role may grant (`api::grantable_scopes`).
    ("api_tokens", Gate::SignedIn),
    ("create_api_token", Gate::SignedIn),
    ("revoke_api_token", Gate::SignedIn),
    // Webhook subscriptions (api::webhooks).
    ("webhooks_view", Gate::Admin),
    ("create_webhook", Gate::Admin),
    ("update_webhook", Gate::Admin),
    ("rotate_webhook_secret", Gate::Admin),
    ("set_webhook_state", Gate::Admin),
    ("delete_webhook", Gate::Admin),
    ("replay_webhook_delivery", Gate::Admin),
    ("send_webhook_test", Gate::Admin),
];

/// The gate of a server function, looked up by its URL path (`/api/<name>`).
pub fn gate_for_path(path: &str) -> Option<Gate> {
    let name = path.strip_prefix("/api/")?;
    SERVER_FUNCTIONS
        .iter()
        .find(|(endpoint, _)| *endpoint == name)
        .map(|(_, gate)| *gate)
}

pub fn passes_gate(actor: Option<&Actor>, gate: Gate) -> bool {
    match (gate, actor) {
        (Gate::Anyone, _) => true,
        (_, None) => false,
        (Gate::SignedIn, Some(_)) => true,
        (Gate::CustomerAdmin, Some(a)) => a.role == Role::CustomerAdmin,
        (Gate::Agent, Some(a)) => works_cases(a.role),
        (Gate::Writer, Some(a)) => writes_articles(a.role),
        (Gate::Admin, Some(a)) => a.role == Role::Admin,
    }
}

/// Agents and admins work cases; trainers write content and do not.
fn works_cases(role: Role) -> bool {
    matches!(role, Role::Agent | Role::Admin)
}

/// Trainers and admins write, review and publish articles.
fn writes_articles(role: Role) -> bool {
    matches!(role, Role::Trainer | Role::Admin)
}

/// The articles `actor` may read: visitors the public ones, customers also
/// the customers-only ones (of everyone or their organization), staff all.
pub fn article_scope(actor: Option<&Actor>) -> ArticleScope {
    match actor {
        None => ArticleScope {
            audiences: vec![Audience::Public],
            organization_id: None,
            staff: false,
        },
        Some(actor) if actor.role.is_customer() => ArticleScope {
            audiences: vec![Audience::Public, Audience::Customers],
            organization_id: actor.organization_id,
            staff: false,
        },
        Some(_) => ArticleScope {
            audiences: Audience::ALL.to_vec(),
            organization_id: None,
            staff: true,
        },
    }
}

/// A case, as far as the rules need to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseRef {
    pub organization_id: i64,
    pub requester_id: i64,
}

/// An order (or an invoice or delivery of it), as far as the rules need to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderRef {
    pub organization_id: i64,
    pub placed_by: Option<i64>,
    /// The organization lets every member see all its orders.
    pub shared_with_members: bool,
}

/// One thing an actor wants to do, with the resource it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Read or change one's own name and password.
    ManageOwnAccount,
    /// See the dashboard for one's role.
    ViewDashboard,
    /// See an organization's details and members.
    ViewOrganizationMembers { organization_id: i64 },
    /// Invite someone by e-mail to join an organization; send an invitation
    /// again or revoke it.
    InviteToOrganization { organization_id: i64 },
    /// Remove a member of an organization, or make them a customer or a
    /// customer admin.
    ManageOrganizationMembers { organization_id: i64 },
    /// Rename organizations and merge one into another, and edit their e-mail
    /// domains (Rapport's admins).
    ManageOrganizations,
    /// See the incoming mail that could not be processed (or was refused or
    /// ignored), try it again, download it; choose what happens to mail from
    /// unknown senders.
    ManageIncomingMail,
    /// List and search every user; list organizations.
    ManageUsers,
    /// Create an agent, trainer or admin account.
    CreateStaffUser,
    /// Require two-factor sign-in of staff (agents, trainers, admins), or not.
    RequireStaffTwoFactor,
    /// Change the role of a user, or disable or enable them.
    ChangeUserAccess { target_user_id: i64 },
    /// Send someone a link to choose a new password (admins: anyone;
    /// customer admins: their organization's members).
    SendPasswordLink {
        target_user_id: i64,
        target_organization_id: Option<i64>,
    },
    /// Move someone else's account to a new address (confirmed by a link to it).
    ChangeUserAddress { target_user_id: i64 },
    /// Render Markdown for a preview.
    PreviewMarkdown,
    /// Open a new case (customers, for their own organization).
    OpenCase,
    /// List one's own cases (customers; customer admins see the organization's).
    ListOwnCases,
    /// See a case and its public thread, and reply to it.
    ViewCase(CaseRef),
    /// Close one's case or reopen a solved one.
    CloseOrReopenCase(CaseRef),
    /// Rate the answer (the requester only).
    RateCase(CaseRef),
    /// Open a case for a customer (from a phone call, a forwarded mail): find
    /// the requester, or make them a contact (staff who work cases).
    OpenCaseForCustomer,
    /// See who follows a case (gets its public replies by mail).
    ViewCaseFollowers(CaseRef),
    /// Add a follower to a case. `colleague`: the follower is a member of the
    /// case's organization; anyone else (another organization, a new address)
    /// only staff may add.
    AddCaseFollower { case: CaseRef, colleague: bool },
    /// Remove a follower from a case.
    RemoveCaseFollower(CaseRef),
    /// Work cases: queues, internal notes, history, status, priority, assignment.
    WorkCases,
    /// Choose which case mails one gets as an agent, and the categories one follows.
    ChooseAgentMails,
    /// See the SLA targets and the business calendar (staff who work cases).
    ViewSlaPolicies,
    /// Change the SLA targets, opening hours, time zone and holidays.
    ManageSlaPolicies,
    /// Say whether an article helped (signed-in readers of it).
    VoteOnArticle,
    /// Write, edit, review, publish, archive and restore articles; see their
    /// drafts and history, and the search reports.
    WriteArticles,
    /// List orders, invoices and deliveries (customers: those they may see).
    ListOrders,
    /// See one order, or an invoice or delivery of it, and open a case about it.
    ViewOrder(OrderRef),
    /// Let all members of the organization see all its orders, or not.
    ShareOrdersWithMembers { organization_id: i64 },
    /// Find any order, invoice or delivery by its number (staff who work cases).
    LookUpOrders,
    /// Register for a workshop session (customers; the workshop must be readable).
    RegisterForWorkshop,
    /// Plan, change and cancel workshop sessions, see who registered, mark attendance.
    ManageWorkshops,
    /// See the team reports (every organization's cases, agents, self-service)
    /// and download them as CSV (staff who work cases).
    ViewTeamReports,
    /// Choose who gets the weekly summary of the team reports by mail.
    ManageWeeklySummary,
    /// See one organization's service report and download it: its cases,
    /// response and resolution times, satisfaction (its customer admins).
    ViewServiceReport { organization_id: i64 },
    /// See the health scores of customer organizations, their drivers, the
    /// churn figures and the churn model (staff who work cases).
    ViewAccountHealth,
    /// Edit the weights of the health score; record that a customer left or
    /// came back.
    ManageAccountHealth,
    /// Make, list and revoke one's own API tokens (staff, and customer admins
    /// for their organization); each scope only as `api::grantable_scopes`.
    ManageOwnApiTokens,
    /// See every API token and revoke any (Rapport's admins).
    ManageAllApiTokens,
    /// Subscribe other systems to events by webhook; see the deliveries,
    /// replay one, send a test event.
    ManageWebhooks,
    /// Send the order system's products, orders, invoices and deliveries.
    UpsertOrders,
}

/// May `actor` do `action`? `None` is a visitor who is not signed in.
pub fn allows(actor: Option<&Actor>, action: &Action) -> bool {
    let Some(actor) = actor else {
        return false;
    };
    let own_organization = |id: &i64| actor.organization_id == Some(*id);
    match action {
        Action::ManageOwnAccount | Action::ViewDashboard => true,
        Action::ViewOrganizationMembers { organization_id }
        | Action::InviteToOrganization { organization_id }
        | Action::ManageOrganizationMembers { organization_id } => {
            (actor.role == Role::CustomerAdmin && own_organization(organization_id))
                || actor.role == Role::Admin
        }
        Action::ManageUsers
        | Action::CreateStaffUser
        | Action::ManageOrganizations
        | Action::ManageIncomingMail
        | Action::RequireStaffTwoFactor => actor.role == Role::Admin,
        // An admin cannot lock themselves out by demoting or disabling their own account.
        Action::ChangeUserAccess { target_user_id }
        | Action::ChangeUserAddress { target_user_id } => {
            actor.role == Role::Admin && *target_user_id != actor.user_id
        }
        Action::SendPasswordLink {
            target_organization_id,
            ..
        } => {
            actor.role == Role::Admin
                || (actor.role == Role::CustomerAdmin
                    && target_organization_id.is_some_and(|id| own_organization(&id)))
        }
        Action::PreviewMarkdown => true,
        Action::OpenCase | Action::ListOwnCases => actor.role.is_customer(),
        Action::ViewCase(case) | Action::CloseOrReopenCase(case) => match actor.role {
            Role::Customer => case.requester_id == actor.user_id,
            Role::CustomerAdmin => own_organization(&case.organization_id),
            role => works_cases(role),
        },
        Action::RateCase(case) => case.requester_id == actor.user_id,
        Action::OpenCaseForCustomer => works_cases(actor.role),
        // Followers are mail-only: following gives no access to the case. Its
        // requester and the organization's customer admins see who follows.
        Action::ViewCaseFollowers(case) => match actor.role {
            Role::Customer => case.requester_id == actor.user_id,
            Role::CustomerAdmin => own_organization(&case.organization_id),
            role => works_cases(role),
        },
        Action::AddCaseFollower { case, colleague } => match actor.role {
            Role::Customer => *colleague && case.requester_id == actor.user_id,
            Role::CustomerAdmin => *colleague && own_organization(&case.organization_id),
            role => works_cases(role),
        },
        Action::RemoveCaseFollower(_) => works_cases(actor.role),
        Action::WorkCases | Action::ChooseAgentMails => works_cases(actor.role),
        Action::ViewSlaPolicies => works_cases(actor.role),
        Action::ManageSlaPolicies => actor.role == Role::Admin,
        Action::VoteOnArticle => true,
        Action::WriteArticles => writes_articles(actor.role),
        Action::ListOrders => actor.role.is_customer() || works_cases(actor.role),
        // A customer sees the orders they placed, and all of the organization's
        // when its admin shares them; the customer admin sees all of them.
        Action::ViewOrder(order) => match actor.role {
            Role::Customer => {
                own_organization(&order.organization_id)
                    && (order.placed_by == Some(actor.user_id) || order.shared_with_members)
            }
            Role::CustomerAdmin => own_organization(&order.organization_id),
            role => works_cases(role),
        },
        Action::ShareOrdersWithMembers { organization_id } => {
            actor.role == Role::CustomerAdmin && own_organization(organization_id)
        }
        Action::LookUpOrders => works_cases(actor.role),
        Action::RegisterForWorkshop => actor.role.is_customer(),
        Action::ManageWorkshops => writes_articles(actor.role),
        Action::ViewTeamReports | Action::ViewAccountHealth => works_cases(actor.role),
        Action::ManageWeeklySummary | Action::ManageAccountHealth => actor.role == Role::Admin,
        // Only the organization's own customer admins: staff read the same
        // figures in the team reports, filtered by organization.
        Action::ViewServiceReport { organization_id } => {
            actor.role == Role::CustomerAdmin && own_organization(organization_id)
        }
        Action::ManageOwnApiTokens => !api::grantable_scopes(actor.role).is_empty(),
        Action::ManageAllApiTokens | Action::ManageWebhooks | Action::UpsertOrders => {
            actor.role == Role::Admin
        }
    }
}

/// What `actor` may do, for the navigation and the links of pages. Each is
/// `allows` of the action it leads to.
pub fn capabilities(actor: &Actor) -> Capabilities {
    let may = |action: &Action| allows(Some(actor), action);
    let service_report = actor
        .organization_id
        .is_some_and(|organization_id| may(&Action::ViewServiceReport { organization_id }));
    let manage_organization = actor
        .organization_id
        .is_some_and(|organization_id| may(&Action::ViewOrganizationMembers { organization_id }));
    Capabilities::default()
        .with(Capability::OpenCases, may(&Action::OpenCase))
        .with(Capability::SeeOrders, may(&Action::ListOrders))
        .with(
            Capability::RegisterForWorkshops,
            may(&Action::RegisterForWorkshop),
        )
        .with(Capability::ManageOrganization, manage_organization)
        .with(Capability::WorkCases, may(&Action::WorkCases))
        .with(Capability::ManageUsers, may(&Action::ManageUsers))
        .with(
            Capability::ManageServiceLevels,
            may(&Action::ManageSlaPolicies),
        )
        .with(Capability::WriteArticles, may(&Action::WriteArticles))
        .with(Capability::SeeTeamReports, may(&Action::ViewTeamReports))
        .with(Capability::SeeServiceReport, service_report)
        .with(
            Capability::SeeAccountHealth,
            may(&Action::ViewAccountHealth),
        )
        .with(Capability::UseApiTokens, may(&Action::ManageOwnApiTokens))
        .with(Capability::ManageWebhooks, may(&Action::ManageWebhooks))
}

/// `allows`, as a result: a visitor is asked to sign in, anyone else is
/// refused. The permit it returns is what the services behind an action take.
pub fn authorize(actor: Option<&Actor>, action: &Action) -> Result<Permit, Error> {
    if allows(actor, action) {
        Ok(Permit {
            actor: actor.cloned(),
            action: action.clone(),
        })
    } else if actor.is_none() {
        Err(Error::Unauthenticated)
    } else {
        Err(Error::Forbidden)
    }
}

/// Proof that the policy allowed one action to one actor. Only [`authorize`]
/// makes one, and the services that carry out an action the policy guards
/// take one (`list_users(&permit, …)`), so none of them can be reached
/// without asking the policy first. The service checks that the permit is for
/// its own action ([`Permit::check`]), so a permit for another cannot be
/// passed on by mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    actor: Option<Actor>,
    action: Action,
}

impl Permit {
    /// Who was allowed: `None` for a visitor (actions open to everyone).
    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The signed-in actor this permit was given to.
    pub fn signed_in(&self) -> Result<&Actor, Error> {
        self.actor.as_ref().ok_or(Error::Unauthenticated)
    }

    /// Is this the permit for `action`? A service calls this first with the
    /// action it carries out; any other permit is refused.
    pub fn check(&self, action: &Action) -> Result<&Permit, Error> {
        if self.action == *action {
            Ok(self)
        } else {
            Err(Error::Forbidden)
        }
    }

    /// May the permit's actor also do `action`? (An admin viewing the service
    /// levels may also edit them.)
    pub fn allows(&self, action: &Action) -> bool {
        allows(self.actor.as_ref(), action)
    }
}

// ---------------------------------------------------------------------------
// SQL scopes: which rows an actor may read. The queries filter by these in
// their WHERE clause (`db::cases`, `db::orders`, `db::articles`); `admits`
// says the same in Rust, and a property test checks it against `allows`.

/// Which cases a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// A customer: the cases they asked.
    Requester(i64),
    /// A customer admin: every case of the organization.
    Organization(i64),
    /// Company staff: every case.
    All,
}

impl CaseScope {
    pub(crate) fn requester(self) -> Option<i64> {
        match self {
            CaseScope::Requester(id) => Some(id),
            _ => None,
        }
    }
    pub(crate) fn organization(self) -> Option<i64> {
        match self {
            CaseScope::Organization(id) => Some(id),
            _ => None,
        }
    }

    /// Does this scope let its reader see `case`? (What the SQL filter does.)
    pub fn admits(self, case: CaseRef) -> bool {
        match self {
            CaseScope::Requester(user_id) => case.requester_id == user_id,
            CaseScope::Organization(id) => case.organization_id == id,
            CaseScope::All => true,
        }
    }
}

/// Which cases this actor may read, or None when they may read none.
pub fn case_scope(actor: &Actor) -> Option<CaseScope> {
    match (actor.role, actor.organization_id) {
        (Role::Customer, Some(_)) => Some(CaseScope::Requester(actor.user_id)),
        (Role::CustomerAdmin, Some(org)) => Some(CaseScope::Organization(org)),
        (Role::Agent | Role::Admin, _) => Some(CaseScope::All),
        _ => None,
    }
}

/// Whose orders a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderScope {
    /// A customer: those they placed, or all of the organization's when it shares them.
    Member { user_id: i64, organization_id: i64 },
    /// A customer admin: all of the organization's.
    Organization(i64),
    /// Company staff: all.
    All,
}

impl OrderScope {
    /// Does this scope let its reader see `order`? (What the SQL filter does.)
    pub fn admits(self, order: OrderRef) -> bool {
        match self {
            OrderScope::Member {
                user_id,
                organization_id,
            } => {
                order.organization_id == organization_id
                    && (order.placed_by == Some(user_id) || order.shared_with_members)
            }
            OrderScope::Organization(id) => order.organization_id == id,
            OrderScope::All => true,
        }
    }
}

/// Whose orders this actor may read, or None when they may read none.
pub fn order_scope(actor: &Actor) -> Option<OrderScope> {
    if !allows(Some(actor), &Action::ListOrders) {
        return None;
    }
    match (actor.role.is_customer(), actor.organization_id) {
        (false, _) => Some(OrderScope::All),
        (true, Some(organization_id)) if actor.role == Role::CustomerAdmin => {
            Some(OrderScope::Organization(organization_id))
        }
        (true, Some(organization_id)) => Some(OrderScope::Member {
            user_id: actor.user_id,
            organization_id,
        }),
        (true, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN_ORG: i64 = 1;
    const OTHER_ORG: i64 = 2;
    const ACTOR_ID: i64 = 10;
    const OTHER_USER: i64 = 11;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: ACTOR_ID,
            role,
            organization_id: role.is_customer().then_some(OWN_ORG),
        }
    }

    use Role::*;

    /// role, action, allowed. "Own" means the actor's organization or account.
    fn table() -> Vec<(Option<Role>, Action, bool)> {
        let own = Action::ViewOrganizationMembers {
            organization_id: OWN_ORG,
        };
        let other = Action::ViewOrganizationMembers {
            organization_id: OTHER_ORG,
        };
        let invite_own = Action::InviteToOrganization {
            organization_id: OWN_ORG,
        };
        let invite_other = Action::InviteToOrganization {
            organization_id: OTHER_ORG,
        };
        let access_other = Action::ChangeUserAccess {
            target_user_id: OTHER_USER,
        };
        let access_self = Action::ChangeUserAccess {
            target_user_id: ACTOR_ID,
        };
        let own_case_mine = CaseRef {
            organization_id: OWN_ORG,
            requester_id: ACTOR_ID,
        };
        let own_case_colleague = CaseRef {
            organization_id: OWN_ORG,
            requester_id: OTHER_USER,
        };
        let other_case = CaseRef {
            organization_id: OTHER_ORG,
            requester_id: OTHER_USER,
        };
        let mut rows = Vec::new();
        let roles = [
            None,
            Some(Customer),
            Some(CustomerAdmin),
            Some(Agent),
            Some(Trainer),
            Some(Admin),
        ];
        for role in roles {
            let signed_in = role.is_some();
            let is = |r: Role| role == Some(r);
            rows.push((role, Action::ManageOwnAccount, signed_in));
            rows.push((role, Action::ViewDashboard, signed_in));
            rows.push((role, own.clone(), is(CustomerAdmin) || is(Admin)));
            rows.push((role, other.clone(), is(Admin)));
            rows.push((role, invite_own.clone(), is(CustomerAdmin) || is(Admin)));
            rows.push((role, invite_other.clone(), is(Admin)));
            rows.push((
                role,
                Action::ManageOrganizationMembers {
                    organization_id: OWN_ORG,
                },
                is(CustomerAdmin) || is(Admin),
            ));
            rows.push((
                role,
                Action::ManageOrganizationMembers {
                    organization_id: OTHER_ORG,
                },
                is(Admin),
            ));
            rows.push((role, Action::ManageOrganizations, is(Admin)));
            rows.push((role, Action::ManageIncomingMail, is(Admin)));
            rows.push((role, Action::ManageUsers, is(Admin)));
            rows.push((role, Action::CreateStaffUser, is(Admin)));
            rows.push((role, Action::RequireStaffTwoFactor, is(Admin)));
            rows.push((role, access_other.clone(), is(Admin)));
            rows.push((role, access_self.clone(), false));
            let address_other = Action::ChangeUserAddress {
                target_user_id: OTHER_USER,
            };
            rows.push((role, address_other, is(Admin)));
            let address_self = Action::ChangeUserAddress {
                target_user_id: ACTOR_ID,
            };
            rows.push((role, address_self, false));
            let reset_colleague = Action::SendPasswordLink {
                target_user_id: OTHER_USER,
                target_organization_id: Some(OWN_ORG),
            };
            rows.push((role, reset_colleague, is(CustomerAdmin) || is(Admin)));
            let reset_stranger = Action::SendPasswordLink {
                target_user_id: OTHER_USER,
                target_organization_id: Some(OTHER_ORG),
            };
            rows.push((role, reset_stranger, is(Admin)));
            let reset_staff = Action::SendPasswordLink {
                target_user_id: OTHER_USER,
                target_organization_id: None,
            };
            rows.push((role, reset_staff, is(Admin)));
            rows.push((role, Action::PreviewMarkdown, signed_in));
            rows.push((role, Action::OpenCase, is(Customer) || is(CustomerAdmin)));
            rows.push((
                role,
                Action::ListOwnCases,
                is(Customer) || is(CustomerAdmin),
            ));
            let staff_works = is(Agent) || is(Admin);
            rows.push((
                role,
                Action::ViewCase(own_case_mine),
                signed_in && !is(Trainer),
            ));
            rows.push((
                role,
                Action::ViewCase(own_case_colleague),
                is(CustomerAdmin) || staff_works,
            ));
            rows.push((role, Action::ViewCase(other_case), staff_works));
            rows.push((
                role,
                Action::CloseOrReopenCase(own_case_mine),
                signed_in && !is(Trainer),
            ));
            rows.push((
                role,
                Action::CloseOrReopenCase(own_case_colleague),
                is(CustomerAdmin) || staff_works,
            ));
            rows.push((role, Action::CloseOrReopenCase(other_case), staff_works));
            rows.push((role, Action::OpenCaseForCustomer, staff_works));
            for case in [own_case_mine, own_case_colleague, other_case] {
                let requester = case.requester_id == ACTOR_ID;
                let own_org = case.organization_id == OWN_ORG;
                let sees =
                    staff_works || (is(Customer) && requester) || (is(CustomerAdmin) && own_org);
                rows.push((role, Action::ViewCaseFollowers(case), sees));
                let colleague = Action::AddCaseFollower {
                    case,
                    colleague: true,
                };
                rows.push((role, colleague, sees));
                // Someone of another organization or a new address: staff only.
                let outsider = Action::AddCaseFollower {
                    case,
                    colleague: false,
                };
                rows.push((role, outsider, staff_works));
                rows.push((role, Action::RemoveCaseFollower(case), staff_works));
            }
            rows.push((role, Action::RateCase(own_case_mine), signed_in));
            rows.push((role, Action::RateCase(own_case_colleague), false));
            rows.push((role, Action::RateCase(other_case), false));
            rows.push((role, Action::WorkCases, staff_works));
            rows.push((role, Action::ChooseAgentMails, staff_works));
            rows.push((role, Action::ViewSlaPolicies, staff_works));
            rows.push((role, Action::ManageSlaPolicies, is(Admin)));
            rows.push((role, Action::WriteArticles, is(Trainer) || is(Admin)));
            rows.push((role, Action::VoteOnArticle, signed_in));
            let customer = is(Customer) || is(CustomerAdmin);
            rows.push((role, Action::ListOrders, customer || staff_works));
            rows.push((role, Action::LookUpOrders, staff_works));
            rows.push((role, Action::RegisterForWorkshop, customer));
            rows.push((role, Action::ManageWorkshops, is(Trainer) || is(Admin)));
            let order = |organization_id, placed_by, shared_with_members| {
                Action::ViewOrder(OrderRef {
                    organization_id,
                    placed_by,
                    shared_with_members,
                })
            };
            // Placed by the actor; by a colleague (shared or not); by nobody known;
            // another organization's (even when shared there, even "placed" by the
            // same user id).
            rows.push((
                role,
                order(OWN_ORG, Some(ACTOR_ID), false),
                customer || staff_works,
            ));
            rows.push((
                role,
                order(OWN_ORG, Some(OTHER_USER), false),
                is(CustomerAdmin) || staff_works,
            ));
            rows.push((
                role,
                order(OWN_ORG, Some(OTHER_USER), true),
                customer || staff_works,
            ));
            rows.push((
                role,
                order(OWN_ORG, None, false),
                is(CustomerAdmin) || staff_works,
            ));
            rows.push((role, order(OTHER_ORG, Some(ACTOR_ID), true), staff_works));
            rows.push((role, order(OTHER_ORG, Some(OTHER_USER), true), staff_works));
            rows.push((
                role,
                Action::ShareOrdersWithMembers {
                    organization_id: OWN_ORG,
                },
                is(CustomerAdmin),
            ));
            rows.push((
                role,
                Action::ShareOrdersWithMembers {
                    organization_id: OTHER_ORG,
                },
                false,
            ));
        }
        rows
    }

    #[test]
    fn role_action_organization_table() {
        for (role, action, expected) in table() {
            let actor = role.map(actor);
            assert_eq!(
                allows(actor.as_ref(), &action),
                expected,
                "{role:?} {action:?}"
            );
        }
    }

    #[test]
    fn visitors_are_asked_to_sign_in_and_others_are_refused() {
        let action = Action::ManageUsers;
        assert!(matches!(
            authorize(None, &action),
            Err(Error::Unauthenticated)
        ));
        assert!(matches!(
            authorize(Some(&actor(Customer)), &action),
            Err(Error::Forbidden)
        ));
        assert!(authorize(Some(&actor(Admin)), &action).is_ok());
    }

    #[test]
    fn gates_by_role() {
        let cases = [
            (Gate::Anyone, [true, true, true, true, true, true]),
            (Gate::SignedIn, [false, true, true, true, true, true]),
            (
                Gate::CustomerAdmin,
                [false, false, true, false, false, false],
            ),
            (Gate::Writer, [false, false, false, false, true, true]),
            (Gate::Admin, [false, false, false, false, false, true]),
        ];
        let roles = [
            None,
            Some(Customer),
            Some(CustomerAdmin),
            Some(Agent),
            Some(Trainer),
            Some(Admin),
        ];
        for (gate, expected) in cases {
            for (role, want) in roles.iter().zip(expected) {
                let actor = role.map(actor);
                assert_eq!(passes_gate(actor.as_ref(), gate), want, "{gate:?} {role:?}");
            }
        }
    }

    #[test]
    fn article_scopes_by_role() {
        let scope = |role: Option<Role>| article_scope(role.map(actor).as_ref());
        let visitor = scope(None);
        assert!(visitor.may_read(Audience::Public, None));
        assert!(!visitor.may_read(Audience::Customers, None));
        assert!(!visitor.may_read(Audience::Public, Some(OWN_ORG)));
        for role in [Customer, CustomerAdmin] {
            let customer = scope(Some(role));
            assert!(customer.may_read(Audience::Customers, None));
            assert!(customer.may_read(Audience::Customers, Some(OWN_ORG)));
            assert!(!customer.may_read(Audience::Customers, Some(OTHER_ORG)));
            assert!(!customer.may_read(Audience::Internal, None));
        }
        for role in [Agent, Trainer, Admin] {
            let staff = scope(Some(role));
            assert!(staff.may_read(Audience::Internal, None));
            assert!(staff.may_read(Audience::Customers, Some(OTHER_ORG)));
        }
    }

    #[test]
    fn a_permit_is_for_its_own_action_only() {
        let admin = actor(Admin);
        let permit = authorize(Some(&admin), &Action::ManageUsers).unwrap();
        assert_eq!(permit.signed_in().unwrap(), &admin);
        assert!(permit.check(&Action::ManageUsers).is_ok());
        assert!(matches!(
            permit.check(&Action::ManageSlaPolicies),
            Err(Error::Forbidden)
        ));
        assert!(permit.allows(&Action::ManageSlaPolicies));
    }

    #[test]
    fn unknown_endpoints_have_no_gate() {
        assert_eq!(gate_for_path("/api/sign_in"), Some(Gate::Anyone));
        assert_eq!(gate_for_path("/api/list_users"), Some(Gate::Admin));
        assert_eq!(gate_for_path("/api/drop_everything"), None);
        assert_eq!(gate_for_path("/sign_in"), None);
    }

    #[test]
    fn endpoint_names_are_unique() {
        let mut names: Vec<_> = SERVER_FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    /// Small ids, so that random actors and resources often share an
    /// organization or a person: the interesting cases.
    fn any_actor() -> impl proptest::strategy::Strategy<Value = Actor> {
        use proptest::prelude::*;
        (
            1..4i64,
            prop::sample::select(vec![Customer, CustomerAdmin, Agent, Trainer, Admin]),
            prop::option::of(1..4i64),
        )
            .prop_map(|(user_id, role, organization_id)| Actor {
                user_id,
                role,
                organization_id,
            })
    }

    proptest::proptest! {
        /// What the case queries let a reader see is what `allows` says.
        #[test]
        fn the_case_scope_agrees_with_the_rules(
            actor in any_actor(),
            organization_id in 1..4i64,
            requester_id in 1..4i64,
        ) {
            let case = CaseRef { organization_id, requester_id };
            // A customer without an organization cannot have cases: nothing to agree on.
            proptest::prop_assume!(!actor.role.is_customer() || actor.organization_id.is_some());
            let scoped = case_scope(&actor).is_some_and(|scope| scope.admits(case));
            proptest::prop_assert_eq!(scoped, allows(Some(&actor), &Action::ViewCase(case)));
        }

        /// What the order queries let a reader see is what `allows` says.
        #[test]
        fn the_order_scope_agrees_with_the_rules(
            actor in any_actor(),
            organization_id in 1..4i64,
            placed_by in proptest::option::of(1..4i64),
            shared_with_members: bool,
        ) {
            let order = OrderRef { organization_id, placed_by, shared_with_members };
            let scoped = order_scope(&actor).is_some_and(|scope| scope.admits(order));
            proptest::prop_assert_eq!(scoped, allows(Some(&actor), &Action::ViewOrder(order)));
        }
    }
}
