//! Service levels (/admin/sla): the targets per priority, and the business
//! calendar they count in (time zone, opening hours, holidays). For admins:
//! agents may read the settings (`sla_settings`) but this page is for changing
//! them. Every form posts without JavaScript.
use crate::api::account::time_zone_names;
use crate::api::sla::{sla_settings, AddHoliday, RemoveHoliday, SaveBusinessHours, SaveSlaPolicy};
use crate::components::form::{
    action_error, field_error, success_count, Field, FormError, TimeZoneField,
};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::sla::{
    format_business_minutes, HolidayView, OpeningHoursView, SlaPolicyView, MAX_TARGET_HOURS,
    WEEKDAY_NAMES,
};

#[component]
pub fn AdminSlaPage() -> impl IntoView {
    let query = use_query_map();
    let save_policy = ServerAction::<SaveSlaPolicy>::new();
    let save_hours = ServerAction::<SaveBusinessHours>::new();
    let add_holiday = ServerAction::<AddHoliday>::new();
    let remove_holiday = ServerAction::<RemoveHoliday>::new();
    // Reload after a success only, so a refused form keeps what was typed.
    let changes = [
        success_count(save_policy),
        success_count(save_hours),
        success_count(add_holiday),
        success_count(remove_holiday),
    ];
    let settings = Resource::new(move || changes.map(|c| c.get()), |_| sla_settings());
    let zones = Resource::new(|| (), |_| time_zone_names());
    let saved = move || {
        query.read().get("saved").and_then(|what| match what.as_str() {
            "targets" => Some("The targets are saved. They apply to cases opened or re-prioritised from now on."),
            "hours" => Some("The time zone and opening hours are saved."),
            "holiday" => Some("The holiday is added."),
            "removed" => Some("The holiday is removed."),
            _ => None,
        })
    };
    view! {
        <Title text="Service levels"/>
        <h1>"Service levels"</h1>
        <p class="lead">
            "Each priority has two targets: the first answer from support, and the solution. "
            "They count business time only: the opening hours below, in the calendar's time zone, "
            "without holidays. While a case waits for the customer, its resolution clock stops."
        </p>
        {move || saved().map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    // Agents may read the settings, but the page is for changing them.
                    Ok(s) if !s.can_edit => view! { <ErrorPanel error=AppError::Forbidden/> }.into_any(),
                    Ok(s) => view! {
                        <Targets policies=s.policies action=save_policy/>
                        <OpeningHours time_zone=s.time_zone week=s.week action=save_hours
                            zones=zones.await.map(|z| z.names).unwrap_or_default()/>
                        <Holidays holidays=s.holidays add=add_holiday remove=remove_holiday/>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The targets of every priority, one small form each.
#[component]
fn Targets(policies: Vec<SlaPolicyView>, action: ServerAction<SaveSlaPolicy>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="panel" aria-labelledby="targets-heading">
            <h2 id="targets-heading">"Targets per priority"</h2>
            <p class="hint">"In hours and minutes of business time. 8 h is one working day of 09:00–17:00."</p>
            <FormError error/>
            <div class="cards">
                {policies.into_iter().map(|policy| view! { <PolicyForm policy action error/> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn PolicyForm(
    policy: SlaPolicyView,
    action: ServerAction<SaveSlaPolicy>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let key = policy.priority.as_str();
    let label = policy.priority.label();
    view! {
        <ActionForm action attr:class="form card" attr:novalidate=true>
            <h3>{label}</h3>
            <input type="hidden" name="priority" value=key/>
            <Target key target="first_response" label="First response" minutes=policy.first_response_minutes error/>
            <Target key target="resolution" label="Resolution" minutes=policy.resolution_minutes error/>
            <button type="submit" class="button">{format!("Save {}", label.to_lowercase())}</button>
        </ActionForm>
    }
}

/// One target as two number fields, hours and minutes, with its current value
/// in words. Its errors name the field `<priority>_<target>`.
#[component]
fn Target(
    key: &'static str,
    target: &'static str,
    label: &'static str,
    minutes: i32,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let field = format!("{key}_{target}");
    let (group_id, error_id) = (format!("{field}-label"), format!("{field}-error"));
    let (labelled_by, message_id) = (group_id.clone(), error_id.clone());
    let (hours_id, minutes_id) = (format!("{field}-hours"), format!("{field}-minutes"));
    let message = Signal::derive(move || error.get().and_then(|e| e.message_for(&field)));
    let invalid = move || message.get().is_some().then_some("true");
    let described = move || message.get().is_some().then(|| error_id.clone());
    let max_hours = MAX_TARGET_HOURS.to_string();
    view! {
        <div class="field" role="group" aria-labelledby=labelled_by class:has-error=move || message.get().is_some()>
            <p id=group_id class="hint"><strong>{label}</strong> " · now " {format_business_minutes(minutes)}</p>
            <div class="two-columns">
                <div class="field">
                    <label for=hours_id.clone()>"Hours"</label>
                    <input id=hours_id type="number" inputmode="numeric" min="0" max=max_hours
                        name=format!("{target}_hours") value=(minutes / 60).to_string()
                        aria-invalid=invalid aria-describedby=described.clone()/>
                </div>
                <div class="field">
                    <label for=minutes_id.clone()>"Minutes"</label>
                    <input id=minutes_id type="number" inputmode="numeric" min="0" max="59"
                        name=format!("{target}_minutes") value=(minutes % 60).to_string()
                        aria-invalid=invalid aria-describedby=described/>
                </div>
            </div>
            {move || message.get().map(|m| view! { <p class="field-error" id=message_id.clone()>{m}</p> })}
        </div>
    }
}

/// The calendar's time zone and the opening hours of each weekday, saved together.
#[component]
fn OpeningHours(
    time_zone: String,
    /// Every zone, suggested as the name is typed.
    zones: Vec<String>,
    week: Vec<OpeningHoursView>,
    action: ServerAction<SaveBusinessHours>,
) -> impl IntoView {
    let error = action_error(action);
    let week_error = field_error(error, "hours");
    view! {
        <section class="panel" aria-labelledby="hours-heading">
            <h2 id="hours-heading">"Opening hours"</h2>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error/>
                    <TimeZoneField label="Time zone" name="time_zone" value=time_zone zones
                        hint="A name from the IANA time zone database, such as Europe/Berlin, America/New_York or UTC. The opening hours are in this time zone, daylight saving time included."
                        error=field_error(error, "time_zone")/>
                    <p class="hint" id="hours-hint">"Leave both times empty on a closed day."</p>
                    {move || week_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    // One message per weekday with a mistake; the row is marked too.
                    {move || {
                        error.get().filter(|e| e.field().is_some_and(|f| f.starts_with("hours_")))
                            .map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })
                    }}
                    <TableScroll label="Business hours">
                        <table class="table compact">
                            <caption class="visually-hidden">"Opening hours per weekday"</caption>
                            <thead>
                                <tr><th scope="col">"Day"</th><th scope="col">"Opens"</th><th scope="col">"Closes"</th></tr>
                            </thead>
                            <tbody>
                                {week.into_iter().enumerate().map(|(index, day)| {
                                    view! { <WeekdayRow index day error/> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                <button type="submit" class="button">"Save opening hours"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn WeekdayRow(
    index: usize,
    day: OpeningHoursView,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let name = WEEKDAY_NAMES.get(index).copied().unwrap_or("Day");
    let field = format!("hours_{}", index + 1);
    let has_error = move || {
        error
            .get()
            .is_some_and(|e| e.field() == Some(field.as_str()))
    };
    let (row_error, opens_invalid) = (has_error.clone(), has_error.clone());
    let (opens_id, closes_id) = (
        format!("opens-{}", index + 1),
        format!("closes-{}", index + 1),
    );
    view! {
        <tr class:has-error=row_error>
            <th scope="row">{name}</th>
            <td>
                <label class="visually-hidden" for=opens_id.clone()>{format!("{name} opens")}</label>
                // Indexed names: the server function reads them as a list, Monday first.
                <input id=opens_id type="time" name=format!("opens[{index}]") value=day.opens
                    aria-describedby="hours-hint" aria-invalid=move || opens_invalid().then_some("true")/>
            </td>
            <td>
                <label class="visually-hidden" for=closes_id.clone()>{format!("{name} closes")}</label>
                <input id=closes_id type="time" name=format!("closes[{index}]") value=day.closes
                    aria-describedby="hours-hint" aria-invalid=move || has_error().then_some("true")/>
            </td>
        </tr>
    }
}

#[component]
fn Holidays(
    holidays: Vec<HolidayView>,
    add: ServerAction<AddHoliday>,
    remove: ServerAction<RemoveHoliday>,
) -> impl IntoView {
    let add_error = action_error(add);
    let remove_error = action_error(remove);
    view! {
        <section class="panel" aria-labelledby="holidays-heading">
            <h2 id="holidays-heading">"Holidays"</h2>
            <p class="hint">"No business time counts on these days, whatever the weekday."</p>
            {move || remove_error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            {if holidays.is_empty() {
                view! { <p class="muted">"No holidays yet."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Holidays">
                        <table class="table compact">
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"Name"</th>
                                    <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {holidays.into_iter().map(|h| {
                                    let remove_label = format!("Remove {} ({})", h.name, h.day);
                                    view! {
                                        <tr>
                                            <td>{h.day.clone()}</td>
                                            <td>{h.name.clone()}</td>
                                            <td>
                                                <ActionForm action=remove attr:class="inline-form">
                                                    <input type="hidden" name="day" value=h.day.clone()/>
                                                    <button type="submit" class="button button-small button-secondary" aria-label=remove_label>
                                                        "Remove"
                                                    </button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }
                .into_any()
            }}
            <h3>"Add a holiday"</h3>
            <ActionForm action=add attr:class="form" attr:novalidate=true>
                <FormError error=add_error/>
                <Field label="Date" name="day" kind="date" hint="For example 2025-12-25." error=field_error(add_error, "day")/>
                <Field label="Name" name="name" autocomplete="off" error=field_error(add_error, "name")/>
                <button type="submit" class="button">"Add holiday"</button>
            </ActionForm>
        </section>
    }
}
