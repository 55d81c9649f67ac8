// Package hwcloud holds the facts about Huawei Cloud that the
// configuration and the API client both rely on: region IDs and their
// endpoints, the shape of project and gateway IDs, and the gateway
// statuses of the list API. It imports nothing of this module, so config
// can validate without depending on the client.
package hwcloud
