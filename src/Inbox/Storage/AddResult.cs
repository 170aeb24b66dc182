namespace PatientContact.Inbox.Storage;

public enum AddResult { Added, AlreadyExists }
