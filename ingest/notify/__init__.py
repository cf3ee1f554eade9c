"""Notifications: rules, event processing, reminders, outbox delivery over SMTP, the local sink.

rules.py (rule rows and the pure plan of an event) · templates.py (email texts) · workdays.py
(due dates in working days) · events.py (process_status_event: one write transaction per event)
· reminders.py (one email per owner per day) · outbox.py / smtp_settings.py / sink.py (delivery).
"""
