#include "source.h"

const struct lsc_source_ops *lsc_source_for(enum lsc_transport t)
{
	switch (t) {
	case LSC_TRANSPORT_ARCHIVE:
	case LSC_TRANSPORT_DOCKER_ARCHIVE:
	case LSC_TRANSPORT_OCI_ARCHIVE:
		return &lsc_source_archive;
	case LSC_TRANSPORT_OCI:
		return &lsc_source_oci_layout;
	case LSC_TRANSPORT_REGISTRY:
		return &lsc_source_registry;
	default:
		return NULL;
	}
}
