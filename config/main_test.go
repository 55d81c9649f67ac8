package config_test

import (
	"testing"

	"github.com/apig-exporter/apig_exporter/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
