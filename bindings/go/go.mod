module github.com/contrast-security-oss/contrast-auth/bindings/go

go 1.24
