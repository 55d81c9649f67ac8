# Build a static binary from source, then run it as a non-root user on a
# minimal base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.1.0
ARG REVISION=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w \
        -X github.com/prometheus/common/version.Version=${VERSION} \
        -X github.com/prometheus/common/version.Revision=${REVISION} \
        -X github.com/prometheus/common/version.Branch=main \
        -X github.com/prometheus/common/version.BuildUser=docker \
        -X github.com/prometheus/common/version.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
      -o /out/apig_exporter .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/apig_exporter /bin/apig_exporter
USER 65532:65532
EXPOSE 10172
ENTRYPOINT ["/bin/apig_exporter"]
CMD ["--config.file=/etc/apig_exporter/apig_exporter.yml"]
