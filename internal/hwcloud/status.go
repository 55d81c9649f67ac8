package hwcloud

import "slices"

// ListStatuses are the 37 gateway statuses of the APIG list and detail
// APIs, in the order of their instance_status codes.
var ListStatuses = []string{
	"Creating", "CreateSuccess", "CreateFail", "Initing", "Registering", "Running",
	"InitingFailed", "RegisterFailed", "Installing", "InstallFailed", "Updating", "UpdateFailed",
	"Rollbacking", "RollbackSuccess", "RollbackFailed", "Deleting", "DeleteFailed", "Unregistering",
	"UnRegisterFailed", "CreateTimeout", "InitTimeout", "RegisterTimeout", "InstallTimeout", "UpdateTimeout",
	"RollbackTimeout", "DeleteTimeout", "UnregisterTimeout", "Starting", "Freezing", "Frozen",
	"Restarting", "RestartFail", "Unhealthy", "RestartTimeout", "Resizing", "ResizeFailed",
	"ResizeTimeout",
}

// ListStatusCreating is the list status of a gateway being created.
const ListStatusCreating = "Creating"

// ValidListStatus reports whether s is one of ListStatuses. Case matters:
// UnRegisterFailed and Unregistering are spelt as the API spells them.
func ValidListStatus(s string) bool { return slices.Contains(ListStatuses, s) }
