// Package apig is a small client for the Huawei Cloud API Gateway (APIG)
// management API: the creation-progress call of dedicated gateways and the
// calls around it. It knows HTTP, authentication and the API's error shapes,
// and nothing of Prometheus: callers observe requests through Observer.
package apig
