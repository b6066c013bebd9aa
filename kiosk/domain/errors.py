"""Domain refusals: each has a stable code, an HTTP status and a translatable message."""


def N_(message: str) -> str:
    """Mark a message for the catalogs; it is translated where it is shown."""
    return message


class DomainError(Exception):
    """A rule refused the request; nothing was changed."""

    code = "refused"
    status = 422
    message = N_("The request was refused.")

    def __init__(self, message: str | None = None, **params):
        self.message = message or type(self).message
        self.params = params
        super().__init__(self.code)


class InvalidRequest(DomainError):
    code, status = "invalid_request", 400
    message = N_("The request is not valid.")


class InvalidJobseekerNo(DomainError):
    code, status = "invalid_jobseeker_no", 422
    message = N_("The job seeker number is not valid.")


class InvalidName(DomainError):
    code, status = "invalid_name", 422
    message = N_("Please enter your name.")


class ClosedDay(DomainError):
    code, status = "closed_day", 422
    message = N_("The office is closed on that day.")


class NotASlot(DomainError):
    code, status = "not_a_slot", 422
    message = N_("Counseling starts every 30 minutes from 10:00 to 15:30.")


class PastCutoff(DomainError):
    code, status = "past_cutoff", 422
    message = N_("Bookings for that day closed at the end of the previous day. Please choose a later day.")
    by_policy = {
        "previous_day": message,
        "previous_working_day": N_("Bookings for that day closed at the end of the last working day before it. "
                                   "Please choose a later day."),
    }

    @classmethod
    def under(cls, policy: str) -> "PastCutoff":
        """The refusal whose message names the cut-off policy in force."""
        return cls(cls.by_policy[policy])


class SessionStarted(DomainError):
    code, status = "session_started", 422
    message = N_("That session has already started. Please choose a later time.")


class ConfirmByPassed(DomainError):
    code, status = "confirm_by_passed", 422
    message = N_("This booking arrived after the kiosk had told the visitor that nothing was booked. "
                 "It was not made.")


class TooFarAhead(DomainError):
    code, status = "too_far_ahead", 422
    message = N_("That day is too far ahead. Please choose a day within the next %(days)s days.")


class SlotFull(DomainError):
    code, status = "slot_full", 409
    message = N_("That time is fully booked. Please choose another time.")


class RoomUnavailable(DomainError):
    code, status = "room_unavailable", 409
    message = N_("No counseling room with that meeting app is free at that time. Please choose another time or app.")


class EventNotFound(DomainError):
    code, status = "event_not_found", 404
    message = N_("That event does not exist.")


class EventClosed(DomainError):
    code, status = "event_closed", 422
    message = N_("That event can no longer be booked.")


class EventFull(DomainError):
    code, status = "event_full", 409
    message = N_("That event is fully booked.")


class Restricted(DomainError):
    code, status = "restricted", 403
    message = N_("We cannot take a booking for this job seeker number. Please speak to the staff at the counter.")


class NotEligible(DomainError):
    code, status = "not_eligible", 422
    message = N_("Online counseling is not available for you this way. Please speak to the staff at the counter.")


class ConsentMissing(DomainError):
    code, status = "consent_missing", 422
    message = N_("Please read and accept the terms before booking.")


class TermsOutdated(DomainError):
    code, status = "terms_outdated", 422
    message = N_("The terms have been updated. Please read and accept the current terms.")


class BookingIdReused(DomainError):
    code, status = "booking_id_reused", 409
    message = N_("This booking ID was already used for a different booking.")


class BookingNotFound(DomainError):
    code, status = "booking_not_found", 404
    message = N_("That booking does not exist.")


class InvalidTransition(DomainError):
    code, status = "invalid_transition", 409
    message = N_("That booking can no longer be changed this way.")


class TooManyBookings(DomainError):
    code, status = "too_many_bookings", 409
    message = N_("You already have a counseling booking. Please cancel it first or speak to the staff.")


class AlreadyBooked(DomainError):
    code, status = "already_booked", 409
    message = N_("You already have a seat at this event.")


class LeaseExpired(DomainError):
    code, status = "lease_expired", 422
    message = N_("This booking was made offline after its reserved time could no longer be held. The staff will contact you.")


class LeaseUnknown(DomainError):
    code, status = "lease_unknown", 422
    message = N_("This booking refers to a reserved time that this kiosk does not hold. The staff will contact you.")


class Unauthorized(DomainError):
    code, status = "unauthorized", 401
    message = N_("This kiosk is not enrolled or was revoked. Please ask the staff to enroll it again.")


class EnrollmentCodeInvalid(DomainError):
    code, status = "invalid_code", 400
    message = N_("This enrollment code is not valid or has expired.")


class LinkInvalid(DomainError):
    code, status = "invalid_link", 404
    message = N_("This link does not work. Please scan the slip again, or ask the staff at the counter.")


class TooEarly(DomainError):
    code, status = "too_early", 409
    message = N_("Check-in opens 15 minutes before the start.")


class WrongDigits(DomainError):
    code, status = "wrong_digits", 403
    message = N_("Those are not the last 4 digits of the job seeker number of this booking.")


class NoSuchBooking(DomainError):
    code, status = "booking_not_found", 404
    message = N_("No booking matches this reference and these digits. Please check them, or ask the staff at the counter.")


class NotRegisteredYet(DomainError):
    code, status = "not_registered_yet", 409
    message = N_("This booking is still being registered. Please try again in a moment.")


# -- staff (the console and its sign-in speak Japanese and English: their own catalog "staff")

def S_(message: str) -> str:
    """Mark a staff-facing message for the "staff" catalogs (ja, en)."""
    return message


class StaffError(DomainError):
    domain = "staff"


class StaffSetupDone(StaffError):
    code, status = "setup_done", 409
    message = S_("An administrator exists already: sign in, or use --recover NAME for a lost key.")


class LinkUnusable(StaffError):
    code, status = "link_unusable", 410
    message = S_("This link has expired or was used already. Ask an administrator for a new one.")


class SignInFailed(StaffError):
    code, status = "sign_in_failed", 401
    message = S_("The security key was not accepted. Please try again.")


class NotSignedIn(StaffError):
    code, status = "not_signed_in", 401
    message = S_("Please sign in with your security key.")


class NotAllowed(StaffError):
    code, status = "not_allowed", 403
    message = S_("Your account may not do this.")


class UnknownStaff(StaffError):
    code, status = "unknown_staff", 404
    message = S_("There is no staff member of that name.")


class InvalidStaffRequest(StaffError):
    code, status = "invalid_request", 400
    message = S_("The request is not valid.")


class KioskUnknown(StaffError):
    code, status = "kiosk_unknown", 404
    message = S_("There is no kiosk of that name.")


class DeadLetterUnknown(StaffError):
    code, status = "dead_letter_unknown", 404
    message = S_("There is no such refused booking.")


class TermsNotReadOut(StaffError):
    code, status = "terms_not_read_out", 422
    message = S_("Read the terms out to the caller and tick the box before booking.")
