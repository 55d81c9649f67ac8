# Build a static binary from source, then run it as a non-root user on a
# minimal base. .ci/container.sh builds with the same script and runs the
# result as uid 65532 on a read-only root holding only the binary and CA
# certificates, as this image does.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.1.0
ARG REVISION=unknown
RUN VERSION=${VERSION} REVISION=${REVISION} BUILD_USER=docker \
      .ci/build-static.sh /out/apig_exporter

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/apig_exporter /bin/apig_exporter
USER 65532:65532
EXPOSE 10172
ENTRYPOINT ["/bin/apig_exporter"]
CMD ["--config.file=/etc/apig_exporter/apig_exporter.yml"]
